/** winston JSON logger factory for the webhook. No module-level logger: callers build and pass one. */
import winston from 'winston';

/** Log levels accepted by the webhook (winston's npm levels). */
export const WEBHOOK_LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type WebhookLogLevel = (typeof WEBHOOK_LOG_LEVELS)[number];

/** The logging surface the webhook uses (a winston Logger satisfies it). */
export interface WebhookLogger {
  error(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  info(message: string, meta?: Record<string, unknown>): unknown;
  debug(message: string, meta?: Record<string, unknown>): unknown;
}

/**
 * Parses a level name, case-insensitively; `warning` is accepted for `warn`.
 * @returns the level, or undefined for anything else.
 */
export function parseLogLevel(text: string | undefined): WebhookLogLevel | undefined {
  const t = (text ?? '').trim().toLowerCase();
  const level = t === 'warning' ? 'warn' : t;
  return (WEBHOOK_LOG_LEVELS as readonly string[]).includes(level) ? (level as WebhookLogLevel) : undefined;
}

/**
 * Builds a JSON logger writing one line per entry to stdout with `timestamp`, `level`, `message`,
 * `component: "webhook"` and the entry's fields.
 * @param options.silent drop everything (tests).
 */
export function createWebhookLogger(options: { level?: WebhookLogLevel; silent?: boolean } = {}): WebhookLogger {
  return winston.createLogger({
    level: options.level ?? 'info',
    silent: options.silent ?? false,
    defaultMeta: { component: 'webhook' },
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Console()],
  });
}
