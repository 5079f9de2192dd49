/**
 * winston JSON logger factory (style.md convention 7). No module-level logger: main.ts builds one
 * and hands children to each component.
 */
import { Writable } from 'node:stream';
import winston from 'winston';
import type { Logger } from '../ports.ts';
import type { LogLevel } from '../config/env.ts';

/**
 * Severity order of our levels (lower = more severe), the seed's logrus names mapped onto winston:
 * `panic` and `critical` (logrus fatal) are above `error`; `trace` is below `debug`.
 * Unlike logrus, logging at `panic` or `critical` never exits or throws.
 */
export const LOG_LEVELS: Readonly<Record<LogLevel, number>> = Object.freeze({
  panic: 0,
  critical: 1,
  error: 2,
  warn: 3,
  info: 4,
  debug: 5,
  trace: 6,
});

/** The port's {@link Logger} plus the extra severities of our level set. */
export interface OperatorLogger extends Logger {
  trace(message: string, meta?: Record<string, unknown>): void;
  critical(message: string, meta?: Record<string, unknown>): void;
  panic(message: string, meta?: Record<string, unknown>): void;
  child(meta: Record<string, unknown>): OperatorLogger;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Most verbose level written (from config.logLevel). */
  level: LogLevel;
  /** Destination; default process.stdout. Tests pass their own stream. */
  stream?: NodeJS.WritableStream;
  /** Fields added to every line (e.g. { service: 'chaos-monkey' }). */
  defaultMeta?: Record<string, unknown>;
}

/**
 * Creates a JSON logger: one line per entry with `level`, `message`, `timestamp` (ISO 8601) and
 * the merged meta fields. Never throws on log calls.
 */
export function createLogger(options: LoggerOptions): OperatorLogger {
  const logger = winston.createLogger({
    levels: { ...LOG_LEVELS },
    level: options.level,
    defaultMeta: options.defaultMeta,
    format: winston.format.combine(winston.format.timestamp(), winston.format.errors({ stack: true }), winston.format.json()),
    transports: [new winston.transports.Stream({ stream: options.stream ?? process.stdout })],
  });
  // winston types its logger with npm levels; ours are set above, so the level methods exist.
  return logger as unknown as OperatorLogger;
}

/** Child logger with a fixed `component` field (plus any extra fixed fields). */
export function childLogger<L extends Logger>(parent: L, component: string, meta: Record<string, unknown> = {}): L {
  return parent.child({ component, ...meta }) as L;
}

/**
 * In-memory sink for tests and tools: a writable stream collecting every JSON line written, parsed.
 */
export function createMemorySink(): { stream: NodeJS.WritableStream; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    objectMode: true,
    write(chunk: unknown, _encoding, callback): void {
      // winston's Stream transport writes the formatted info object's MESSAGE string (objectMode) or a Buffer.
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : JSON.stringify(chunk);
      for (const line of text.split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { stream, lines };
}
