/**
 * The informers' watch transport (issue 13 point 2): the contract of client-node's
 * `Watch.watch(path, query, callback, done)`, which its ListWatch calls, over raw-request.ts's
 * shared keep-alive Agent instead of client-node's undici fetch, web stream, `Readable.fromWeb`
 * and readline. Profiled at 1,000 CMCs, those layers cost more per watch event than the
 * JSON.parse of the event itself (docs/operator.md "CPU per action").
 *
 * Same behaviour as client-node's Watch 2.0.1: `watch=true` plus the query; each newline-ended
 * line parsed and handed to `callback(type, object, event)` (a line that does not parse, or a
 * callback that throws, is ignored); `done` called exactly once: `null` when the server ends the
 * stream, the error otherwise (a non-200 answer is an error carrying its status code, 410
 * included, so ListWatch relists); nothing received for {@link WATCH_IDLE_TIMEOUT_MS}, from the
 * request on, is a `TimeoutError`; the returned AbortController ends the watch.
 */
import type { IncomingMessage } from 'node:http';
import type { RawKube } from './raw-request.ts';

/** client-node's `Watch.requestTimeoutMs`: a watch silent this long is ended with a TimeoutError. */
export const WATCH_IDLE_TIMEOUT_MS = 30_000;

// client-node hands watch objects over untyped; these are the callback types its ListWatch passes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WatchCallback = (phase: string, apiObj: any, watchObj?: any) => void;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WatchDone = (err: any) => void;

/** One watch event line. */
interface WatchLine {
  type?: unknown;
  object?: unknown;
}

/**
 * Feeds `text` (the pending partial line plus a new chunk) line by line to `onLine`; returns the
 * trailing partial line to keep for the next chunk.
 */
export function splitLines(text: string, onLine: (line: string) => void): string {
  let start = 0;
  for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
    if (nl > start) onLine(text.slice(start, nl));
    start = nl + 1;
  }
  return start === 0 ? text : text.slice(start);
}

/** Streams watch requests through one {@link RawKube}. */
export class RawWatch {
  readonly #raw: RawKube;
  readonly #idleTimeoutMs: number;

  constructor(raw: RawKube, idleTimeoutMs = WATCH_IDLE_TIMEOUT_MS) {
    this.#raw = raw;
    this.#idleTimeoutMs = idleTimeoutMs;
  }

  async watch(path: string, queryParams: Record<string, string | number | boolean | undefined>, callback: WatchCallback, done: WatchDone): Promise<AbortController> {
    const controller = new AbortController();
    let doneCalled = false;
    const finish = (err: unknown): void => {
      if (doneCalled) return;
      doneCalled = true;
      controller.abort();
      done(err);
    };
    // An abort by the caller ends the watch with the signal's reason (an AbortError), as client-node's does.
    controller.signal.addEventListener('abort', () => finish(controller.signal.reason), { once: true });
    const onIdle = (): void => finish(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    const onLine = (line: string): void => {
      try {
        const data = JSON.parse(line) as WatchLine;
        callback(data.type as string, data.object, data);
      } catch {
        // ignored, as client-node does: a line that does not parse, or a handler that threw
      }
    };
    let res: IncomingMessage;
    try {
      res = await this.#raw.open({ path, query: { watch: 'true', ...queryParams }, signal: controller.signal, idleTimeoutMs: this.#idleTimeoutMs, onIdle });
    } catch (error) {
      finish(error);
      return controller;
    }
    if (doneCalled) {
      res.destroy();
      return controller;
    }
    res.setEncoding('utf8');
    let pending = '';
    res.on('data', (chunk: string) => {
      pending = splitLines(pending === '' ? chunk : pending + chunk, onLine);
    });
    res.on('error', (error: Error) => finish(error));
    res.on('end', () => {
      if (pending !== '') onLine(pending);
      pending = '';
      finish(null);
    });
    // Destroyed without an error event (an abort after the answer, the socket closed): ended.
    res.on('close', () => finish(res.errored ?? null));
    return controller;
  }
}
