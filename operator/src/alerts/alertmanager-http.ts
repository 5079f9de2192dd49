/**
 * {@link AlertSource} over Alertmanager's v2 API with Node's fetch: one
 * `GET <url>/api/v2/alerts?active=true&silenced=false&inhibited=false&filter=...` per call (the
 * matchers are also passed server-side; the stop condition evaluates them again on the answer).
 */
import type { AlertSource } from '../ports.ts';
import type { Matcher } from './matchers.ts';

/** Builds the alerts URL for `baseUrl` (with or without a trailing slash or path prefix). */
export function alertsUrl(baseUrl: string, matchers: readonly Matcher[]): string {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/api/v2/alerts`);
  url.searchParams.set('active', 'true');
  url.searchParams.set('silenced', 'false');
  url.searchParams.set('inhibited', 'false');
  for (const m of matchers) url.searchParams.append('filter', `${m.name}${m.op}${JSON.stringify(m.value)}`);
  return url.toString();
}

/** Alertmanager client; see the module comment. */
export class AlertmanagerHttp implements AlertSource {
  readonly #url: string;

  constructor(baseUrl: string, matchers: readonly Matcher[]) {
    this.#url = alertsUrl(baseUrl, matchers);
  }

  async activeAlerts(signal: AbortSignal): Promise<unknown> {
    const res = await fetch(this.#url, { signal, headers: { accept: 'application/json' } });
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`Alertmanager answered HTTP ${res.status}`);
    }
    return (await res.json()) as unknown;
  }
}
