/**
 * {@link NotifyTransport} with Node's fetch: one `POST <url>` with a JSON body per notification.
 * The URL is a secret (a Slack webhook URL carries its token in the path): it is never logged nor
 * put in an error message; {@link safeHost} gives what may be logged.
 */
import type { NotifyTransport } from '../ports.ts';

/** `host[:port]` of `url`, or `(invalid URL)`: the only part of the URL that may be logged. */
export function safeHost(url: string): string {
  return URL.canParse(url) ? new URL(url).host : '(invalid URL)';
}

/** POSTs to one webhook URL; rejects on a network error, the signal, or a non-2xx answer. */
export class HttpNotifyTransport implements NotifyTransport {
  readonly #url: string;

  constructor(url: string) {
    this.#url = url;
  }

  async send(body: string, signal: AbortSignal): Promise<void> {
    const res = await fetch(this.#url, { method: 'POST', body, signal, redirect: 'error', headers: { 'content-type': 'application/json' } });
    await res.body?.cancel(); // the answer's body is not used; free the connection
    if (!res.ok) throw new Error(`receiver answered HTTP ${res.status}`);
  }
}
