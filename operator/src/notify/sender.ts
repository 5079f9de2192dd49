/**
 * The notification sender: a bounded FIFO queue drained by one request at a time. `notify()` only
 * formats and enqueues, so it never delays an action; a full queue drops the new event (counted).
 * A failed request (network error, per-request deadline, non-2xx) is retried after a capped
 * exponential backoff on the injected Clock, then counted as failed. `stop()` aborts the request
 * in flight and drops whatever is still queued (counted), so shutdown is bounded.
 */
import type { Clock, Logger, Notifier, NotifyEvent, NotifyEventKind, NotifyTransport } from '../ports.ts';
import { formatEvent } from './format.ts';
import type { NotifyFormat } from './format.ts';

/** Label values of chaos_monkey_notifications_total{result}. */
export type NotifyResult = 'sent' | 'failed' | 'dropped' | 'retried';

/** Options of {@link NotificationSender}. */
export interface NotificationSenderOptions {
  transport: NotifyTransport;
  clock: Clock;
  log: Logger;
  format: NotifyFormat;
  /** Kinds that are sent; others are ignored (not counted). */
  events: readonly NotifyEventKind[];
  /** Called once per sent, retried, failed or dropped notification (metrics). */
  onResult: (result: NotifyResult) => void;
  /** Queue capacity, request in flight included (default 100). */
  capacity?: number;
  /** Attempts per notification, the first included (default 4). */
  maxAttempts?: number;
  /** Backoff before the first retry, doubled each retry (default 1 s). */
  backoffMs?: number;
  /** Backoff cap (default 30 s). */
  maxBackoffMs?: number;
  /** Deadline of one request (default 5 s). */
  timeoutMs?: number;
}

interface Item {
  body: string;
  kind: NotifyEventKind;
  attempts: number;
}

/** See the module comment. */
export class NotificationSender implements Notifier {
  readonly #o: Required<NotificationSenderOptions>;
  readonly #kinds: ReadonlySet<NotifyEventKind>;
  readonly #queue: Item[] = [];
  readonly #stopCtl = new AbortController();
  #busy = false;
  #cancelRetry: (() => void) | undefined;
  #inFlight: Promise<void> | undefined;
  #dropping = false;

  constructor(options: NotificationSenderOptions) {
    this.#o = { capacity: 100, maxAttempts: 4, backoffMs: 1_000, maxBackoffMs: 30_000, timeoutMs: 5_000, ...options };
    this.#kinds = new Set(options.events);
  }

  /** Notifications queued or in flight. */
  get depth(): number {
    return this.#queue.length;
  }

  /** @inheritdoc Synchronous: formats, enqueues (or drops) and returns. */
  notify(event: NotifyEvent): void {
    if (!this.#kinds.has(event.kind)) return;
    if (this.#stopCtl.signal.aborted || this.#queue.length >= this.#o.capacity) {
      this.#o.onResult('dropped');
      if (!this.#dropping && !this.#stopCtl.signal.aborted) this.#o.log.warn('notification queue full: dropping notifications', { capacity: this.#o.capacity, kind: event.kind });
      this.#dropping = true;
      return;
    }
    this.#queue.push({ body: formatEvent(event, this.#o.format), kind: event.kind, attempts: 0 });
    this.#pump();
  }

  #pump(): void {
    if (this.#busy || this.#stopCtl.signal.aborted) return;
    const item = this.#queue[0];
    if (item === undefined) {
      this.#dropping = false;
      return;
    }
    this.#busy = true;
    item.attempts += 1;
    const signal = AbortSignal.any([this.#stopCtl.signal, AbortSignal.timeout(this.#o.timeoutMs)]);
    this.#inFlight = this.#o.transport.send(item.body, signal).then(
      () => this.#settled(item, undefined),
      (error: unknown) => this.#settled(item, error),
    );
  }

  #settled(item: Item, error: unknown): void {
    this.#inFlight = undefined;
    if (this.#stopCtl.signal.aborted) return; // stop() counted it
    if (error === undefined) {
      this.#o.onResult('sent');
      this.#next();
      return;
    }
    const why = describe(error);
    if (item.attempts < this.#o.maxAttempts) {
      this.#o.onResult('retried');
      const delay = Math.min(this.#o.maxBackoffMs, this.#o.backoffMs * 2 ** (item.attempts - 1));
      this.#o.log.debug('notification failed, retrying', { kind: item.kind, attempt: item.attempts, retryInMs: delay, error: why });
      this.#cancelRetry = this.#o.clock.setTimer(delay, () => {
        this.#cancelRetry = undefined;
        this.#busy = false;
        this.#pump();
      });
      return;
    }
    this.#o.onResult('failed');
    this.#o.log.warn('notification failed, giving up', { kind: item.kind, attempts: item.attempts, error: why });
    this.#next();
  }

  #next(): void {
    this.#queue.shift();
    this.#busy = false;
    this.#pump();
  }

  /** @inheritdoc Resolves once the aborted request settled; later notify() calls count as dropped. */
  async stop(): Promise<void> {
    if (this.#stopCtl.signal.aborted) return;
    this.#stopCtl.abort(new Error('notification sender stopped'));
    this.#cancelRetry?.();
    const left = this.#queue.length;
    this.#queue.length = 0;
    for (let i = 0; i < left; i++) this.#o.onResult('dropped');
    if (left > 0) this.#o.log.info('notification sender stopped: dropped what was left', { dropped: left });
    await this.#inFlight;
  }
}

/** Error text without the URL (a secret): the error name, its code, or the HTTP status. */
function describe(error: unknown): string {
  // Duck-typed: fetch's DOMException may come from another realm (not `instanceof Error`).
  if (typeof error !== 'object' || error === null) return String(error);
  const { name, message, cause } = error as { name?: unknown; message?: unknown; cause?: { code?: unknown } };
  if (name === 'TimeoutError') return 'request timed out';
  if (name === 'AbortError') return 'request aborted';
  const text = typeof message === 'string' ? message : String(error);
  if (cause !== undefined && cause !== null && typeof cause.code === 'string') return `${text} (${cause.code})`;
  return text;
}
