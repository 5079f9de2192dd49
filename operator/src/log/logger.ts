/**
 * winston logger factory (style.md convention 7): JSON lines, or one readable text line per entry
 * for a person at a terminal. No module-level logger: the entry point builds one and hands children
 * to each component.
 */
import { Writable } from 'node:stream';
import winston from 'winston';
import type { Logger } from '../ports.ts';
import type { LogFormat, LogLevel } from '../config/env.ts';

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
  /** Fields added to every line (e.g. { service: 'chaos-monkey' }); text lines leave them out. */
  defaultMeta?: Record<string, unknown>;
  /** Default json. */
  format?: LogFormat;
  /** Text format only: colour the level with ANSI escapes (a terminal). Default false. */
  color?: boolean;
}

/** The format an entry point uses: the one chosen, else text for a terminal and json otherwise. */
export function resolveLogFormat(chosen: LogFormat | undefined, isTerminal: boolean): LogFormat {
  return chosen ?? (isTerminal ? 'text' : 'json');
}

const LEVEL_COLORS: Readonly<Record<string, string>> = {
  panic: '\u001b[35m',
  critical: '\u001b[35m',
  error: '\u001b[31m',
  warn: '\u001b[33m',
  info: '\u001b[34m',
  debug: '\u001b[36m',
  trace: '\u001b[90m',
};
const RESET = '\u001b[0m';
/** Keys a text line shows in its fixed columns (or, for stack, on the lines below). */
const FIXED_KEYS = new Set(['level', 'message', 'timestamp', 'component', 'stack']);

function textValue(value: unknown): string {
  if (typeof value === 'string') return value !== '' && /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (value instanceof Error) return JSON.stringify(value.message);
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json;
}

/**
 * One readable line (development-logger style): `<time> <LEVEL> [component] <message> key=value ...`.
 * Strings with spaces, quotes or `=` are JSON-quoted; objects are JSON. A stack follows on its own lines.
 * `omit` names fields not shown (the logger's default meta, the same on every line).
 */
export function formatTextLine(info: Record<string, unknown>, options: { omit?: ReadonlySet<string>; color?: boolean } = {}): string {
  const level = String(info.level);
  const label = level.toUpperCase().padEnd(5);
  const head = [
    typeof info.timestamp === 'string' ? info.timestamp : '',
    options.color === true ? `${LEVEL_COLORS[level] ?? ''}${label}${RESET}` : label,
    ...(info.component !== undefined ? [`[${textValue(info.component)}]`] : []),
    String(info.message),
  ].filter((part) => part !== '');
  const fields = Object.entries(info)
    .filter(([key, value]) => !FIXED_KEYS.has(key) && options.omit?.has(key) !== true && value !== undefined)
    .map(([key, value]) => `${key}=${textValue(value)}`);
  const line = [...head, ...fields].join(' ');
  return typeof info.stack === 'string' ? `${line}\n${info.stack.replace(/^/gm, '    ')}` : line;
}

/** winston's (triple-beam's) keys of the entry's level and formatted line. */
const LEVEL = Symbol.for('level');
const MESSAGE = Symbol.for('message');

/** What every logger of one {@link createLogger} call shares. */
interface LineSink {
  level: LogLevel;
  format: winston.Logform.Format;
  stream: NodeJS.WritableStream;
  defaultMeta: Record<string, unknown> | undefined;
}

type Meta = Record<string, unknown>;

/**
 * The logger {@link createLogger} returns: winston's entry shape and formats (logform), written
 * straight to the stream. winston's own Logger pipes every entry through two object-mode streams
 * (the logger's Transform and the transport's Writable) before the same `stream.write`: at one
 * line per chaos action that plumbing was most of the log line's CPU (docs/operator.md "CPU per
 * action"). Entries are built as winston builds them (child meta, then default meta, then the
 * call's meta, then level and message; a meta `message` is appended, its `stack` and `cause` kept),
 * so the lines are the same; unlike winston, a message holding printf tokens (`%s`) keeps its meta.
 */
class StreamLogger implements OperatorLogger {
  readonly #sink: LineSink;
  readonly #childMeta: Meta | undefined;

  constructor(sink: LineSink, childMeta?: Meta) {
    this.#sink = sink;
    this.#childMeta = childMeta;
  }

  #write(level: LogLevel, message: string, meta: Meta | undefined): void {
    const sink = this.#sink;
    if (LOG_LEVELS[level] > LOG_LEVELS[sink.level]) return;
    const info: Record<string | symbol, unknown> = Object.assign({}, this.#childMeta, sink.defaultMeta, meta, { [LEVEL]: level, level, message });
    if (meta !== undefined) {
      if (meta.message !== undefined && meta.message !== null && meta.message !== '') info.message = `${message} ${String(meta.message)}`;
      if (meta.stack !== undefined && meta.stack !== null && meta.stack !== '') info.stack = meta.stack;
      if (meta.cause !== undefined && meta.cause !== null && meta.cause !== '') info.cause = meta.cause;
    }
    try {
      const out = sink.format.transform(info as winston.Logform.TransformableInfo, sink.format.options) as Record<string | symbol, unknown> | false;
      if (out === false) return;
      sink.stream.write(`${String(out[MESSAGE])}\n`);
    } catch {
      // never throws on a log call (a value JSON cannot render, a closed stream)
    }
  }

  panic(message: string, meta?: Meta): void { this.#write('panic', message, meta); }
  critical(message: string, meta?: Meta): void { this.#write('critical', message, meta); }
  error(message: string, meta?: Meta): void { this.#write('error', message, meta); }
  warn(message: string, meta?: Meta): void { this.#write('warn', message, meta); }
  info(message: string, meta?: Meta): void { this.#write('info', message, meta); }
  debug(message: string, meta?: Meta): void { this.#write('debug', message, meta); }
  trace(message: string, meta?: Meta): void { this.#write('trace', message, meta); }

  child(meta: Meta): OperatorLogger {
    return new StreamLogger(this.#sink, { ...this.#childMeta, ...meta });
  }
}

/**
 * Creates a logger writing one line per entry: JSON with `level`, `message`, `timestamp` (ISO 8601)
 * and the merged meta fields, or the same as text ({@link formatTextLine}). Never throws on log calls.
 */
export function createLogger(options: LoggerOptions): OperatorLogger {
  const omit = new Set(Object.keys(options.defaultMeta ?? {}));
  const line = options.format === 'text'
    ? winston.format.printf((info) => formatTextLine(info, { omit, color: options.color ?? false }))
    : winston.format.json();
  return new StreamLogger({
    level: options.level,
    format: winston.format.combine(winston.format.timestamp(), winston.format.errors({ stack: true }), line),
    stream: options.stream ?? process.stdout,
    defaultMeta: options.defaultMeta,
  });
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
