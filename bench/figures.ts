/**
 * Pure arithmetic of the operator benchmark (bench/operator.ts), kept apart so it is unit-tested
 * (test/unit/bench/figures.test.ts): requests per action by verb and resource, where each read is
 * served from (watch cache or etcd, as kube-apiserver v1.28 decides), `/proc/<pid>/stat` CPU
 * times, quantiles and the new/old ratio of `--compare`.
 */

/** What the bench needs of one recorded request (the sandbox's RecordedRequest has more). */
export interface RequestLine {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  /** The query string without its `?` (absent when there was none). */
  query?: string;
}

/**
 * Where kube-apiserver v1.28 serves a read from (staging/.../storage/cacher/cacher.go):
 * - GET: without a resourceVersion from etcd (a quorum read), with one from the watch cache.
 * - LIST: from etcd when resourceVersion is empty (ConsistentListFromCache is off in 1.28: a quorum
 *   read), when it continues a page, when it has a limit and a resourceVersion other than "0", or
 *   when resourceVersionMatch is other than NotOlderThan (`shouldDelegateList`); else the watch cache.
 * `undefined` for anything that is not a GET or LIST (watches included).
 */
export function readSource(verb: string, query: string | undefined): 'cache' | 'quorum' | 'etcd' | undefined {
  if (verb !== 'get' && verb !== 'list') return undefined;
  const q = new URLSearchParams(query ?? '');
  const rv = q.get('resourceVersion') ?? '';
  if (rv === '') return 'quorum';
  if (verb === 'get') return 'cache';
  const limit = Number(q.get('limit') ?? '0');
  const match = q.get('resourceVersionMatch') ?? '';
  if ((q.get('continue') ?? '') !== '' || (limit > 0 && rv !== '0') || (match !== '' && match !== 'NotOlderThan')) return 'etcd';
  return 'cache';
}

/** `delete pods`, `patch chaosmonkeyconfigurations/status`, `create events`: verb and resource of a request. */
export function requestKey(r: RequestLine): string {
  return `${r.verb} ${r.resource === '' ? '(non-resource)' : r.resource}${r.subresource === undefined ? '' : `/${r.subresource}`}`;
}

/** One line of the per verb/resource breakdown. */
export interface PerAction {
  key: string;
  count: number;
  perAction: number;
  /** How many of them read etcd (quorum or other), and one of their query strings as an example. */
  etcdReads: number;
  etcdExample?: string;
}

/**
 * Requests divided by actions, per verb and resource, most frequent first (ties by name). Every
 * request counts, Lease renewals included; `actions` 0 gives NaN rates, never a throw.
 */
export function perVerbResource(requests: readonly RequestLine[], actions: number): PerAction[] {
  const byKey = new Map<string, PerAction>();
  for (const r of requests) {
    const key = requestKey(r);
    let line = byKey.get(key);
    if (line === undefined) {
      line = { key, count: 0, perAction: NaN, etcdReads: 0 };
      byKey.set(key, line);
    }
    line.count += 1;
    const source = readSource(r.verb, r.query);
    if (source === 'quorum' || source === 'etcd') {
      line.etcdReads += 1;
      line.etcdExample ??= r.query ?? '';
    }
  }
  const lines = [...byKey.values()];
  for (const line of lines) line.perAction = actions > 0 ? line.count / actions : NaN;
  return lines.sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/** `delete pods 1.00, create events 1.00, put leases 0.03`: the breakdown on one line. */
export function formatPerAction(lines: readonly PerAction[], digits = 2): string {
  return lines.map((l) => `${l.key} ${Number.isFinite(l.perAction) ? l.perAction.toFixed(digits) : '-'}`).join(', ');
}

/** utime + stime of a `/proc/<pid>/stat` line, in clock ticks; NaN when the text is not one. */
export function cpuTicks(stat: string): number {
  // The command name (field 2) is in parentheses and may hold spaces or ')': fields resume after the last ')'.
  const close = stat.lastIndexOf(')');
  if (close < 0) return NaN;
  const fields = stat.slice(close + 1).trim().split(/\s+/);
  // After the name: state(3) ppid(4) ... utime(14) stime(15), i.e. indexes 11 and 12 here.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return fields.length >= 13 && Number.isInteger(utime) && Number.isInteger(stime) ? utime + stime : NaN;
}

/** The q-quantile (nearest rank below) of `values`; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/**
 * new/old as printed in the ratio row: `1.00x`; `-` when either side is not a number or old is 0
 * and new is not (no finite ratio); `=` when both are 0.
 */
export function formatRatio(now: number, old: number): string {
  if (!Number.isFinite(now) || !Number.isFinite(old)) return '-';
  if (old === 0) return now === 0 ? '=' : '-';
  return `${(now / old).toFixed(2)}x`;
}

/** A figure with `digits` decimals, `-` when it is not a number. */
export function formatFigure(n: number, digits = 0): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

/** A markdown-style table with padded columns. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${header.map((_, i) => (cells[i] ?? '').padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The figures of one run, by key; NaN = not measured in this kind of run. */
export type Figures = Record<string, number>;

/** One printed figure: its key in {@link Figures}, column header and decimals. */
export interface FigureColumn { key: string; header: string; digits: number }

/** What one operator measured in one scenario. */
export interface MeasuredRun { label: string; figures: Figures; perAction: PerAction[] }

/** One table: a row per run, and with two runs a ratio row (first / second) per figure. */
export function figureTable(title: string, columns: readonly FigureColumn[], runs: readonly MeasuredRun[]): string {
  const rows = runs.map((r) => [title, r.label, ...columns.map((c) => formatFigure(r.figures[c.key] ?? NaN, c.digits))]);
  const [now, old] = runs;
  if (now !== undefined && old !== undefined) {
    rows.push([title, 'ratio new/old', ...columns.map((c) => formatRatio(now.figures[c.key] ?? NaN, old.figures[c.key] ?? NaN))]);
  }
  return formatTable(['scenario', 'operator', ...columns.map((c) => c.header)], rows);
}

/**
 * Requests per action by verb and resource: a column per run (a line a run lacks is 0), with two
 * runs a ratio column, and the etcd reads of each run with an example query string.
 */
export function perActionTable(runs: readonly MeasuredRun[]): string {
  const keys = [...new Set(runs.flatMap((r) => r.perAction.map((p) => p.key)))];
  const two = runs.length === 2;
  const header = ['request', ...runs.map((r) => `${r.label} /action`), ...(two ? ['ratio new/old'] : []), 'etcd reads (example query)'];
  const rows = keys.map((key) => {
    const lines = runs.map((r) => r.perAction.find((p) => p.key === key));
    const rates = lines.map((l) => l?.perAction ?? 0);
    const etcd = lines
      .map((l, i) => (l === undefined || l.etcdReads === 0 ? '' : `${runs[i]?.label}: ${l.etcdReads} (${l.etcdExample === undefined || l.etcdExample === '' ? 'no query string' : `?${l.etcdExample}`})`))
      .filter((text) => text !== '');
    return [key, ...rates.map((n) => formatFigure(n, 3)), ...(two ? [formatRatio(rates[0] ?? NaN, rates[1] ?? NaN)] : []), etcd.join('; ')];
  });
  return formatTable(header, rows);
}

/** One logged decision, as far as {@link requestsPerMode} needs it. */
export interface Decision { namespace: string; mode: string; succeeded: boolean }

/**
 * Requests per successful action of each mode: the requests in the namespaces where that mode's
 * CMCs acted, plus a share of the requests outside all of them (the Lease in the operator's own
 * namespace, cluster-scoped ones) in proportion to the mode's actions. The bench puts one active
 * CMC in each namespace, so a namespace belongs to one mode; a namespace where several modes acted
 * is counted for each of them. NaN for a mode without a successful action.
 */
export function requestsPerMode(requests: readonly { namespace?: string }[], decisions: readonly Decision[]): Record<string, number> {
  const namespacesOf = new Map<string, Set<string>>();
  const actionsOf = new Map<string, number>();
  for (const d of decisions) {
    let set = namespacesOf.get(d.mode);
    if (set === undefined) namespacesOf.set(d.mode, (set = new Set()));
    set.add(d.namespace);
    actionsOf.set(d.mode, (actionsOf.get(d.mode) ?? 0) + (d.succeeded ? 1 : 0));
  }
  const acting = new Set([...namespacesOf.values()].flatMap((s) => [...s]));
  const shared = requests.filter((r) => r.namespace === undefined || !acting.has(r.namespace)).length;
  const total = [...actionsOf.values()].reduce((a, b) => a + b, 0);
  const result: Record<string, number> = {};
  for (const [mode, namespaces] of namespacesOf) {
    const actions = actionsOf.get(mode) ?? 0;
    const own = requests.filter((r) => r.namespace !== undefined && namespaces.has(r.namespace)).length;
    result[mode] = actions === 0 ? NaN : (own + (shared * actions) / total) / actions;
  }
  return result;
}
