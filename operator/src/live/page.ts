/**
 * The live view (issue 12 point 4): `GET /` on the operator's HTTP port. Pure functions: the CMCs
 * of the cache plus the action history become a {@link LiveModel}, which becomes one
 * self-contained HTML page (inline CSS, inline SVG, no script, no external asset).
 *
 * Refresh: `<meta http-equiv="refresh" content="5">` reloads the same relative URL, so the page
 * needs no JavaScript at all (CSP `script-src` stays 'none'), shows everything on first paint
 * (also to `chromium --dump-dom`), and works behind `kubectl port-forward` or any path prefix.
 *
 * State of a CMC, read from the status conditions the reconciler writes (reconcile/conditions.ts):
 * paused (Paused True), blocked (Blocked True: its reason and message), acting (Ready True),
 * not ready (Ready False: reason and message), pending (no status yet). Every text that comes
 * from the cluster is HTML-escaped.
 */
import { createHash } from 'node:crypto';
import type { ChaosMonkeyConfigurationV1, Condition } from '../../../api/v1.ts';
import type { ActionRecord } from './history.ts';

/** The timeline's span: the last hour. */
export const TIMELINE_MS = 3_600_000;
/** Rows drawn at most (a 10,000-CMC page stays a few MB); the rest are counted. */
export const MAX_ROWS = 200;
/** Seconds between reloads. */
export const REFRESH_SECONDS = 5;

/** What a CMC is doing, as the page shows it. */
export type LiveState = 'acting' | 'paused' | 'blocked' | 'not ready' | 'pending';

/** One CMC's row. */
export interface LiveCmc {
  namespace: string;
  name: string;
  mode: string;
  deployment: string;
  interval: string;
  state: LiveState;
  /** Condition reason behind the state (e.g. Disabled, NamespaceNotOptedIn, ActionSkipped). */
  reason: string;
  message: string;
  /** status.nextActionAt (RFC 3339) when scheduled. */
  nextActionAt?: string;
  /** Actions of the last hour, oldest first. */
  actions: ActionRecord[];
}

/** Everything the page shows. */
export interface LiveModel {
  now: number;
  identity: string;
  leader: boolean;
  cmcs: LiveCmc[];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);
}

function condition(conditions: Condition[], type: string): Condition | undefined {
  return conditions.find((c) => c !== null && typeof c === 'object' && c.type === type);
}

/** The state of a CMC from its status conditions. */
export function stateOf(cmc: ChaosMonkeyConfigurationV1): Pick<LiveCmc, 'state' | 'reason' | 'message'> {
  const raw: unknown = cmc.status?.conditions;
  const conditions = Array.isArray(raw) ? (raw as Condition[]) : [];
  const paused = condition(conditions, 'Paused');
  const blocked = condition(conditions, 'Blocked');
  const ready = condition(conditions, 'Ready');
  if (paused?.status === 'True') return { state: 'paused', reason: text(paused.reason), message: text(paused.message) };
  if (blocked?.status === 'True') return { state: 'blocked', reason: text(blocked.reason), message: text(blocked.message) };
  if (ready?.status === 'True') return { state: 'acting', reason: text(ready.reason), message: text(ready.message) };
  if (ready !== undefined) return { state: 'not ready', reason: text(ready.reason), message: text(ready.message) };
  return { state: 'pending', reason: '', message: 'not reconciled yet' };
}

/** Inputs of {@link liveModel}. */
export interface LiveModelInput {
  cmcs: readonly ChaosMonkeyConfigurationV1[];
  /** Actions of a CMC (`namespace/name`) since a time. */
  actions: (key: string, since: number) => ActionRecord[];
  now: number;
  identity: string;
  leader: boolean;
}

/** Builds the page's model; CMCs sorted by namespace then name. */
export function liveModel(input: LiveModelInput): LiveModel {
  const since = input.now - TIMELINE_MS;
  const cmcs = input.cmcs
    .map((cmc): LiveCmc => {
      const namespace = text(cmc.metadata?.namespace);
      const name = text(cmc.metadata?.name);
      const spec = (cmc.spec ?? {}) as unknown as Partial<Record<string, unknown>>; // cluster data: fields may be missing or mistyped
      const deployment = spec.deployment as { name?: unknown } | undefined;
      const next = cmc.status?.nextActionAt;
      return {
        namespace,
        name,
        mode: text(spec.scalingMode),
        deployment: text(deployment?.name),
        interval: spec.timeout !== undefined ? text(spec.timeout) : text((spec.schedule as { cron?: unknown } | undefined)?.cron),
        ...stateOf(cmc),
        ...(typeof next === 'string' ? { nextActionAt: next } : {}),
        actions: input.actions(`${namespace}/${name}`, since),
      };
    })
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  return { now: input.now, identity: input.identity, leader: input.leader, cmcs };
}

/** Escapes a text for HTML element content and double- or single-quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:16px;color:#1d2430;background:#f7f8fa}
h1{font-size:18px;margin:0 0 4px}
p.meta{margin:0 0 12px;color:#5a6473}
p.follower{padding:8px 12px;background:#fff4d6;border:1px solid #e8c66a}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #e3e6eb;padding:6px 8px;text-align:left;vertical-align:top}
th{font-size:12px;color:#5a6473;font-weight:600}
td.name{min-width:190px}td.name b{display:block}
td.name span,td.why{color:#5a6473;font-size:12px}
.state{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff}
.s-acting{background:#2f8f46}.s-paused{background:#6b7280}.s-blocked{background:#c2410c}.s-not-ready{background:#b91c1c}.s-pending{background:#9ca3af}
svg.timeline{display:block;background:#fbfcfd;border:1px solid #e3e6eb}
svg text{font-size:10px;fill:#5a6473}
td.next{white-space:nowrap;font-variant-numeric:tabular-nums}
line.tick{stroke:#e3e6eb}
circle.succeeded{fill:#2f8f46}circle.skipped{fill:#d97706}circle.failed{fill:#b91c1c}
.legend span{margin-right:12px}
.dot{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:4px}
.dot.succeeded{background:#2f8f46}.dot.skipped{background:#d97706}.dot.failed{background:#b91c1c}
`;

/** The Content-Security-Policy of the page: the one inline style block (by hash) and nothing else. */
export const LIVE_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'`,
  "script-src 'none'",
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const WIDTH = 540;
const HEIGHT = 40;
const PAD = 10;
/** Actions closer than this (pixels, ~13 s of the hour) share one dot. */
const DOT_PX = 2;
/** One lane per result, so that overlapping dots of different results stay visible. */
const LANE_Y = { succeeded: 9, skipped: 17, failed: 25 } as const;

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The SVG timeline of one CMC's last hour: one dot per action, coloured by result. */
export function timelineSvg(actions: readonly ActionRecord[], now: number): string {
  const start = now - TIMELINE_MS;
  const x = (at: number): number => PAD + ((Math.min(Math.max(at, start), now) - start) / TIMELINE_MS) * (WIDTH - 2 * PAD);
  const ticks = [60, 45, 30, 15, 0]
    .map((min) => {
      const tx = x(now - min * 60_000).toFixed(1);
      const anchor = min === 60 ? 'start' : min === 0 ? 'end' : 'middle';
      return `<line class="tick" x1="${tx}" y1="4" x2="${tx}" y2="29"/><text x="${tx}" y="38" text-anchor="${anchor}">${min === 0 ? 'now' : `-${min} min`}</text>`;
    })
    .join('');
  // Actions of one result within DOT_PX pixels would draw on top of each other: one dot for them,
  // its title counting them and naming the latest (the page stays small for busy CMCs).
  const groups = new Map<string, { x: number; result: ActionRecord['result']; count: number; first: number; latest: ActionRecord }>();
  for (const a of actions) {
    const ax = x(a.at);
    const id = `${a.result}:${Math.floor(ax / DOT_PX)}`;
    const g = groups.get(id);
    if (g === undefined) groups.set(id, { x: ax, result: a.result, count: 1, first: a.at, latest: a });
    else {
      g.count += 1;
      g.x = ax;
      g.latest = a;
    }
  }
  const dots = [...groups.values()]
    .map((g) => {
      const a = g.latest;
      const what = `${a.mode} ${a.result}${a.target !== undefined ? ` ${a.target}` : ''}: ${a.message}`;
      const title = g.count === 1 ? `${iso(a.at)} ${what}` : `${g.count} actions ${iso(g.first)} to ${iso(a.at)}, the latest ${what}`;
      return `<circle class="${g.result}" data-count="${g.count}" cx="${g.x.toFixed(1)}" cy="${LANE_Y[g.result]}" r="3.5"><title>${escapeHtml(title)}</title></circle>`;
    })
    .join('');
  return `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${actions.length} actions in the last hour">${ticks}${dots}</svg>`;
}

function row(cmc: LiveCmc, now: number): string {
  const counts = { succeeded: 0, skipped: 0, failed: 0 };
  for (const a of cmc.actions) counts[a.result] += 1;
  const why = cmc.reason === '' ? escapeHtml(cmc.message) : `${escapeHtml(cmc.reason)}: ${escapeHtml(cmc.message)}`;
  return [
    `<tr class="cmc" data-cmc="${escapeHtml(`${cmc.namespace}/${cmc.name}`)}" data-state="${escapeHtml(cmc.state)}" data-actions="${cmc.actions.length}">`,
    `<td class="name"><b>${escapeHtml(cmc.name)}</b><span>${escapeHtml(cmc.namespace)} · ${escapeHtml(cmc.mode)} on ${escapeHtml(cmc.deployment)} every ${escapeHtml(cmc.interval)}</span></td>`,
    `<td><span class="state s-${cmc.state.replace(' ', '-')}">${escapeHtml(cmc.state)}</span></td>`,
    `<td class="why">${why}</td>`,
    `<td class="next">${cmc.nextActionAt === undefined ? '—' : `<time>${escapeHtml(cmc.nextActionAt)}</time>`}</td>`,
    `<td>${timelineSvg(cmc.actions, now)}<span class="why">${counts.succeeded} succeeded, ${counts.skipped} skipped, ${counts.failed} failed</span></td>`,
    '</tr>',
  ].join('');
}

/** Renders the whole page. Pure: the same model gives the same bytes. */
export function renderLivePage(model: LiveModel): string {
  const follower = model.leader
    ? ''
    : '<p class="follower">This replica is a <b>follower</b>: only the leader acts, so it has no actions to show. The states below come from the cluster; open the leader&#39;s page for the timeline.</p>';
  const hidden = Math.max(0, model.cmcs.length - MAX_ROWS);
  const rows =
    model.cmcs.length === 0
      ? '<tr><td colspan="5">No ChaosMonkeyConfiguration found.</td></tr>'
      : model.cmcs
          .slice(0, MAX_ROWS)
          .map((c) => row(c, model.now))
          .join('') + (hidden > 0 ? `<tr><td colspan="5">… and ${hidden} more CMC${hidden === 1 ? '' : 's'} not shown (the page draws the first ${MAX_ROWS} by namespace and name).</td></tr>` : '');
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="refresh" content="${REFRESH_SECONDS}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>chaos-monkey live view</title>',
    `<style>${CSS}</style>`,
    '</head><body>',
    '<h1>chaos-monkey live view</h1>',
    `<p class="meta">Replica <b>${escapeHtml(model.identity)}</b> (${model.leader ? 'leader' : 'follower'}) · ${iso(model.now)} · ${model.cmcs.length} CMC${model.cmcs.length === 1 ? '' : 's'} · refreshes every ${REFRESH_SECONDS} s · read-only</p>`,
    follower,
    '<table><thead><tr><th>CMC</th><th>State</th><th>Why</th><th>Next action</th><th>Last hour</th></tr></thead><tbody>',
    rows,
    '</tbody></table>',
    '<p class="legend"><span><i class="dot succeeded"></i>succeeded</span><span><i class="dot skipped"></i>skipped</span><span><i class="dot failed"></i>failed</span></p>',
    '</body></html>',
    '',
  ].join('\n');
}
