/**
 * Test helpers: a plain-HTTP sandbox and a tiny JSON client, plus a watch reader that collects events until a
 * predicate holds (no sleeps).
 */
import { startSandboxServer } from '../../../../sandbox/server/sandbox.ts';
import type { SandboxServer } from '../../../../sandbox/server/sandbox.ts';
import type { SandboxOptions } from '../../../../sandbox/server/options.ts';

/** A response with parsed JSON (or text). */
export interface Res {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test assertions read arbitrary JSON
  text: string;
}

/** Starts a plain-HTTP sandbox. */
export function start(options: SandboxOptions = {}): Promise<SandboxServer> {
  return startSandboxServer({ tls: false, ...options });
}

/** Sends a request; bodies are JSON unless a string is given. */
export async function call(s: SandboxServer, method: string, path: string, body?: unknown, contentType = 'application/json', headers: Record<string, string> = {}): Promise<Res> {
  const init: RequestInit = { method, headers: { 'content-type': contentType, accept: 'application/json', ...headers } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const r = await fetch(s.url + path, init);
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: r.status, headers: r.headers, body: parsed, text };
}

/** A pod body. */
export function pod(name: string, labels: Record<string, string> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'registry.example/app:1.0' }] } };
}

/** One watch event. */
export interface WatchEvent {
  type: string;
  object: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- arbitrary objects
}

/** An open watch collecting events. */
export class WatchReader {
  readonly events: WatchEvent[] = [];
  ended = false;
  private waiters: (() => void)[] = [];
  private readonly controller = new AbortController();
  status = 0;

  /** Opens a watch on `path` (query included). Resolves once headers arrived. */
  static async open(s: SandboxServer, path: string): Promise<WatchReader> {
    const w = new WatchReader();
    const res = await fetch(s.url + path, { signal: w.controller.signal });
    w.status = res.status;
    void w.pump(res);
    return w;
  }

  private async pump(res: Response): Promise<void> {
    const reader = res.body?.getReader();
    if (!reader) return;
    const dec = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim()) this.events.push(JSON.parse(line) as WatchEvent);
        }
        this.notify();
      }
    } catch {
      // aborted
    }
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  /** Resolves when `pred(events)` holds or rejects after the timeout. */
  async until(pred: (evs: WatchEvent[]) => boolean, timeoutMs = 5000): Promise<WatchEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this.events)) {
      if (this.ended && !pred(this.events)) throw new Error(`watch ended; events: ${this.summary()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timeout; events: ${this.summary()}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.events;
  }

  /** Resolves when the server ended the stream. */
  async untilEnded(timeoutMs = 5000): Promise<WatchEvent[]> {
    await this.until(() => this.ended, timeoutMs).catch((e: unknown) => {
      if (!this.ended) throw e;
    });
    return this.events;
  }

  /** `TYPE:name` list. */
  summary(): string {
    return this.events.map((e) => `${e.type}:${e.object?.metadata?.name ?? e.object?.reason ?? ''}`).join(' ');
  }

  close(): void {
    this.controller.abort();
  }
}
