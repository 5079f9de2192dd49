/**
 * The `/sandbox/` HTTP routes: the fault-injection and test-helper operations for tests that run the sandbox as
 * a separate process. Bodies are JSON; answers are `{ "ok": true }` or the requested value.
 */
import type { FailRule, RecordedRequest } from './options.ts';

/** The operations the routes call (implemented by SandboxServer). */
export interface AdminTarget {
  dropWatches(): void;
  compact(): void;
  failRequests(rule: FailRule): void;
  clearFaults(): void;
  setLatency(ms: number, match?: { verb?: string; resource?: string }): void;
  setValidation(enabled: boolean): void;
  setPodMetrics(namespace: string, pod: string, containers: { name: string; cpu: string; memory?: string }[]): void;
  setPodPhaseAsync(namespace: string, pod: string, phase: string): Promise<void>;
  requests(): RecordedRequest[];
  clearRequests(): void;
  openWatchCount(): number;
  restart(): Promise<void>;
}

/** Result of a route: HTTP status and JSON value. */
export interface AdminAnswer {
  status: number;
  value: unknown;
}

const OK = { ok: true };

/**
 * Dispatches `<METHOD> /sandbox/<op>[/<ns>/<pod>]`. Throws on a malformed body (the caller answers 400).
 * `POST /sandbox/restart` answers first and restarts on the next tick.
 */
export async function adminRoute(target: AdminTarget, method: string, pathname: string, raw: string): Promise<AdminAnswer> {
  const body = raw.trim() === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
  const parts = pathname.split('/').filter(Boolean).slice(1).map(decodeURIComponent);
  const route = `${method} ${parts[0] ?? ''}`;
  switch (route) {
    case 'POST drop-watches':
      target.dropWatches();
      return { status: 200, value: OK };
    case 'POST compact':
      target.compact();
      return { status: 200, value: OK };
    case 'POST fail':
      target.failRequests(body as unknown as FailRule);
      return { status: 200, value: OK };
    case 'DELETE fail':
      target.clearFaults();
      return { status: 200, value: OK };
    case 'POST latency':
      target.setLatency(Number(body.ms ?? 0), {
        ...(typeof body.verb === 'string' ? { verb: body.verb } : {}),
        ...(typeof body.resource === 'string' ? { resource: body.resource } : {}),
      });
      return { status: 200, value: OK };
    case 'POST validation':
      target.setValidation(body.enabled !== false);
      return { status: 200, value: OK };
    case 'PUT podmetrics': {
      const containers = Array.isArray(body) ? body : ((body.containers as { name: string; cpu: string; memory?: string }[] | undefined) ?? []);
      target.setPodMetrics(parts[1] ?? '', parts[2] ?? '', containers);
      return { status: 200, value: OK };
    }
    case 'PUT podphase':
      await target.setPodPhaseAsync(parts[1] ?? '', parts[2] ?? '', String(body.phase ?? 'Running'));
      return { status: 200, value: OK };
    case 'GET requests':
      return { status: 200, value: target.requests() };
    case 'DELETE requests':
      target.clearRequests();
      return { status: 200, value: OK };
    case 'GET watches':
      return { status: 200, value: { open: target.openWatchCount() } };
    case 'POST restart':
      setImmediate(() => void target.restart());
      return { status: 200, value: OK };
    default:
      return { status: 404, value: { error: `unknown sandbox route ${route}` } };
  }
}
