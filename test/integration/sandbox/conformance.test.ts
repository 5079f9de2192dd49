/**
 * Conformance: replays every recorded kube-apiserver v1.28.7 exchange (test/fixtures/kube-apiserver-v1.28) against
 * a fresh sandbox per file and compares status, content type, Status reason/code/details/causes/message and object
 * shapes (wildcards <uid> <rv> <time> <continue> <suffix> <hash> <age>; rvs only checked for monotonic increase).
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startSandboxServer } from '../../../sandbox/server/sandbox.ts';
import type { SandboxServer } from '../../../sandbox/server/sandbox.ts';
import { readUntil, waitFor } from '../../support/wait-for.ts';

/** The recordings in the repository; SANDBOX_FIXTURES replays another directory of the same format. */
const FIXTURES = process.env.SANDBOX_FIXTURES ?? join(import.meta.dirname, '..', '..', 'fixtures', 'kube-apiserver-v1.28');

interface Exchange {
  request: { method: string; path: string; headers: Record<string, string>; body: unknown };
  response: { status: number; headers: Record<string, string>; body: unknown };
  note?: string;
  trimmed?: { field: string };
  watch?: { streamed: boolean };
}

/**
 * Exchanges the sandbox deliberately does not match, with the reason (also listed in docs/sandbox.md).
 * Key: `<file>#<index>`.
 */
const ALLOWED_DIFFERENCES: Record<string, string> = {
  // The recorded server advertised 127.0.0.1:6443; the sandbox advertises its own (random) port.
  'discovery.json#1': 'serverAddressByClientCIDRs carries the sandbox port',
};

/**
 * Pod and Deployment `status` are written asynchronously by the scheduler/controllers of the recorded cluster
 * (fixture README: an imitation need not reproduce them); only their presence as an object is compared.
 */
function asyncStatus(kind: string | undefined): boolean {
  return kind === 'Pod' || kind === 'Deployment';
}

/** Scenarios recorded on a cluster whose (simulated) kubelet runs pods and whose controllers act. */
const RECORDED_WITH_READY_NODE = ['pdb'];

const WILDCARDS = ['<uid>', '<rv>', '<time>', '<continue>', '<age>'];

function matchString(expected: string, actual: unknown): boolean {
  if (WILDCARDS.includes(expected)) return typeof actual === 'string' && actual !== '';
  if (typeof actual !== 'string') return false;
  if (!/<(hash|suffix|rv|ptr)>/.test(expected)) return expected === actual;
  const re = new RegExp('^' + expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/<hash>/g, '[a-z0-9]+').replace(/<suffix>/g, '[a-z0-9]{5}').replace(/<rv>/g, '[0-9]+').replace(/<ptr>/g, '0x[0-9a-f]+') + '$');
  return re.test(actual);
}

/** Deep shape comparison; returns a list of differences (empty = match). */
function diff(expected: unknown, actual: unknown, path: string[], kind: string | undefined, out: string[]): void {
  const at = path.join('.') || '<root>';
  if (typeof expected === 'string') {
    if (expected === '<age>') return;
    if (!matchString(expected, actual)) out.push(`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    return;
  }
  if (expected === null || typeof expected !== 'object') {
    if (expected !== actual) out.push(`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      out.push(`${at}: expected an array, got ${JSON.stringify(actual)}`);
      return;
    }
    if (expected.length !== actual.length) out.push(`${at}: expected ${expected.length} items, got ${actual.length}`);
    expected.forEach((e, i) => diff(e, actual[i], [...path, String(i)], kind, out));
    return;
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
    out.push(`${at}: expected an object, got ${JSON.stringify(actual)}`);
    return;
  }
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  const k = typeof e.kind === 'string' ? (e.kind.endsWith('List') ? e.kind.slice(0, -4) : e.kind) : kind;
  for (const key of Object.keys(e)) {
    if (key === 'storageVersionHash') continue;
    if (key === 'status' && asyncStatus(k) && typeof e.kind !== 'string' ? path[path.length - 2] === 'items' : key === 'status' && asyncStatus(k)) {
      if (typeof a.status !== 'object' || a.status === null) out.push(`${[...path, key].join('.')}: expected an object`);
      continue;
    }
    if (!(key in a)) {
      out.push(`${[...path, key].join('.')}: missing (expected ${JSON.stringify(e[key]).slice(0, 80)})`);
      continue;
    }
    diff(e[key], a[key], [...path, key], k, out);
  }
  for (const key of Object.keys(a)) {
    if (!(key in e) && !(key === 'status' && asyncStatus(k)) && key !== 'managedFields') out.push(`${[...path, key].join('.')}: unexpected (${JSON.stringify(a[key]).slice(0, 80)})`);
  }
}

/** Trimmed discovery: every expected entry must be present with matching fields. */
function diffTrimmed(field: string, expected: Record<string, unknown>, actual: Record<string, unknown>, out: string[]): void {
  for (const key of Object.keys(expected)) {
    if (key === field) continue;
    diff(expected[key], actual[key], [key], undefined, out);
  }
  const exp = expected[field] as { name: string }[];
  const act = (actual[field] ?? []) as { name: string }[];
  for (const item of exp) {
    const found = act.find((x) => x.name === item.name);
    if (!found) out.push(`${field}: missing ${item.name}`);
    else diff(item, found, [field, item.name], undefined, out);
  }
}

function compareStatus(expected: Record<string, unknown>, actual: Record<string, unknown>, out: string[]): void {
  for (const key of ['kind', 'apiVersion', 'status', 'reason', 'code', 'message']) {
    if (key === 'message' && typeof expected.message === 'string' && matchString(expected.message, actual.message)) continue;
    if (JSON.stringify(expected[key]) !== JSON.stringify(actual[key])) out.push(`${key}: expected ${JSON.stringify(expected[key])}, got ${JSON.stringify(actual[key])}`);
  }
  const ed = (expected.details ?? undefined) as Record<string, unknown> | undefined;
  const ad = (actual.details ?? undefined) as Record<string, unknown> | undefined;
  if (ed === undefined) {
    if (ad !== undefined) out.push(`details: unexpected ${JSON.stringify(ad)}`);
    return;
  }
  if (!ad) {
    out.push('details: missing');
    return;
  }
  for (const key of ['name', 'group', 'kind']) if (ed[key] !== ad[key]) out.push(`details.${key}: expected ${JSON.stringify(ed[key])}, got ${JSON.stringify(ad[key])}`);
  if ('uid' in ed !== 'uid' in ad) out.push('details.uid presence differs');
  const ec = ((ed.causes ?? []) as { reason: string; field: string }[]).map((c) => `${c.reason}@${c.field}`);
  const ac = ((ad.causes ?? []) as { reason: string; field: string }[]).map((c) => `${c.reason}@${c.field}`);
  if (JSON.stringify(ec) !== JSON.stringify(ac)) out.push(`details.causes: expected ${JSON.stringify(ec)}, got ${JSON.stringify(ac)}`);
}

/** Per-file replay state. */
class Replay {
  sandbox!: SandboxServer;
  rvs = new Map<string, string[]>();
  uids = new Map<string, string>();
  lastListRv = '';
  lastContinue = '';
  maxRv = 0;
  openWatch: { done: Promise<unknown[]>; index: number } | undefined;


  objectKey(path: string): string {
    return path.split('?')[0]!.replace(/\/(status|scale)$/, '');
  }

  remember(reqPath: string, method: string, body: unknown): void {
    if (!body || typeof body !== 'object') return;
    const b = body as { kind?: string; metadata?: { name?: string; resourceVersion?: string; uid?: string; continue?: string } };
    const meta = b.metadata ?? {};
    const rv = meta.resourceVersion;
    if (rv && /^\d+$/.test(rv)) {
      const n = Number(rv);
      if (['POST', 'PUT', 'PATCH'].includes(method) && b.kind !== 'Status') {
        expect(n).toBeGreaterThan(this.maxRv);
      }
      this.maxRv = Math.max(this.maxRv, n);
    }
    if (b.kind?.endsWith('List') || b.kind === 'Table') {
      if (rv) this.lastListRv = rv;
      if (meta.continue) this.lastContinue = meta.continue;
      return;
    }
    if (b.kind === 'Status' || !meta.name) return;
    let key = this.objectKey(reqPath);
    if (method === 'POST') key = `${key}/${meta.name}`;
    if (rv) {
      const list = this.rvs.get(key) ?? [];
      if (list[list.length - 1] !== rv) list.push(rv);
      this.rvs.set(key, list);
    }
    if (meta.uid) this.uids.set(key, meta.uid);
  }

  substitute(reqPath: string, body: unknown): unknown {
    if (body === null || body === undefined || typeof body === 'string') return body;
    const key = this.objectKey(reqPath);
    const rvs = this.rvs.get(key) ?? [];
    const text = JSON.stringify(body)
      .replace(/"<rv-stale>"/g, JSON.stringify(rvs[0] ?? '1'))
      .replace(/"<rv>"/g, JSON.stringify(rvs[rvs.length - 1] ?? ''))
      .replace(/"<uid>"/g, JSON.stringify(this.uids.get(key) ?? ''));
    return JSON.parse(text) as unknown;
  }

  path(p: string): string {
    return p.replace('resourceVersion=<rv>', `resourceVersion=${this.lastListRv}`).replace('continue=<continue>', `continue=${encodeURIComponent(this.lastContinue)}`);
  }
}

async function readWatch(res: Response): Promise<unknown[]> {
  const text = await res.text();
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
}

const files = existsSync(FIXTURES) ? readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort() : [];

test('fixture directory is present', () => {
  expect(files.length).toBeGreaterThan(0);
});

for (const file of files) {
  const fixture = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as { scenario: string; namespace?: string; exchanges: Exchange[] };
  const scenario = fixture.scenario;
  // Recorded with a Ready node and the controllers' effects observed (pdb): replay with pods started and Deployments reconciled.
  const live = RECORDED_WITH_READY_NODE.includes(scenario);
  describe(`conformance ${file}`, () => {
    const r = new Replay();
    beforeAll(async () => {
      r.sandbox = await startSandboxServer({ tls: false, deploymentController: live, startPods: live });
      if (!['namespace', 'discovery', 'unknown'].includes(scenario)) {
        const res = await fetch(`${r.sandbox.url}/api/v1/namespaces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: fixture.namespace ?? `fx-${scenario}` } }) });
        expect(res.status).toBe(201);
      }
    });
    afterAll(async () => {
      await r.sandbox.shutdown();
    });

    const cases = fixture.exchanges.map((ex, index) => ({ ex, index, label: `#${index} ${ex.request.method} ${ex.request.path}${ex.note ? ` (${ex.note.slice(0, 60)})` : ''}` }));
    test.each(cases)('$label', async ({ ex, index }) => {
      const allowed = ALLOWED_DIFFERENCES[`${file}#${index}`];
      const path = r.path(ex.request.path);
      const body = r.substitute(path, ex.request.body);
      const headers: Record<string, string> = { accept: ex.request.headers.accept ?? 'application/json' };
      if (ex.request.headers['content-type']) headers['content-type'] = ex.request.headers['content-type'];
      const init: RequestInit = { method: ex.request.method, headers };
      if (body !== null && body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);

      if (ex.watch) {
        const res = await fetch(r.sandbox.url + path, init);
        expect(res.status).toBe(ex.response.status);
        const events = readWatch(res);
        const nextIsMutation = fixture.exchanges[index + 1]?.note?.includes('while the watch above was open') ?? false;
        if (nextIsMutation) {

          // The events are checked after the mutations that follow (see the last "while open" exchange).
          r.openWatch = { done: events, index };
          return;
        }
        compareWatch(ex, await events);
        return;
      }

      if (r.openWatch && ex.request.method === 'DELETE' && /\/pods\/[^/]+$/.test(path.split('?')[0] ?? '')) {
        // The recorded scheduler wrote PodScheduled=False before this delete (it shows up as a MODIFIED event); wait for it.
        await waitFor('PodScheduled written on the pod', async () => (await (await fetch(r.sandbox.url + path.split('?')[0])).text()).includes('PodScheduled'), 5_000, 10);
      }
      const asyncNote = /after (polling|waiting)|after the CRD is gone/.test(ex.note ?? '');
      const send = async (): Promise<{ res: Response; text: string; problems: string[] }> => {
        const res = await fetch(r.sandbox.url + path, init);
        const text = await res.text();
        return { res, text, problems: compareResponse(ex, res, text) };
      };
      // Recorded after the server settled (GETs only): re-read until the answer matches, else report the last one.
      const { res, text, problems } = asyncNote
        ? await readUntil(`a settled answer to ${path}`, send, (a) => a.problems.length === 0, 5_000, 20).catch(send)
        : await send();
      if (res.status < 300 && (res.headers.get('content-type') ?? '').startsWith('application/json')) r.remember(path, ex.request.method, JSON.parse(text));
      const lastMutation = r.openWatch && !(fixture.exchanges[index + 1]?.note?.includes('while the watch above was open') ?? false);
      if (lastMutation && r.openWatch) {
        const w = r.openWatch;
        r.openWatch = undefined;
        compareWatch(fixture.exchanges[w.index] as Exchange, await w.done);
      }
      if (allowed) return;
      expect(problems).toEqual([]);
    });
  });
}

function compareResponse(ex: Exchange, res: Response, text: string): string[] {
  const problems: string[] = [];
  if (res.status !== ex.response.status) problems.push(`status: expected ${ex.response.status}, got ${res.status}`);
  const expJson = ex.response.headers['content-type']?.startsWith('application/json') ?? false;
  const ct = res.headers.get('content-type') ?? '';
  if (expJson !== ct.startsWith('application/json')) problems.push(`content-type: expected ${ex.response.headers['content-type']}, got ${ct}`);
  if (!expJson) {
    if (text !== ex.response.body) problems.push(`body: expected ${JSON.stringify(ex.response.body)}, got ${JSON.stringify(text)}`);
    return problems;
  }
  const actual = JSON.parse(text) as Record<string, unknown>;
  const expected = ex.response.body as Record<string, unknown>;
  if (expected.kind === 'Status') compareStatus(expected, actual, problems);
  else if (ex.trimmed) diffTrimmed(ex.trimmed.field, expected, actual, problems);
  else diff(expected, actual, [], undefined, problems);
  return problems;
}

function compareWatch(ex: Exchange, events: unknown[]): void {
  const seq = (evs: unknown[]): string[] =>
    (evs as { type: string; object: { kind?: string; metadata?: { name?: string }; reason?: string; code?: number } }[])
      .filter((e) => e.type !== 'BOOKMARK')
      .map((e) => (e.type === 'ERROR' ? `ERROR:${e.object.reason}:${e.object.code}` : `${e.type}:${e.object.metadata?.name}`));
  const expected = ex.response.body as unknown[];
  expect(seq(events)).toEqual(seq(expected));
  const wantBookmark = (expected as { type: string }[]).some((e) => e.type === 'BOOKMARK');
  if (wantBookmark) {
    const b = (events as { type: string; object: { kind: string; metadata: { resourceVersion: string } } }[]).find((e) => e.type === 'BOOKMARK');
    expect(b?.object.kind).toBe((expected as { type: string; object: { kind: string } }[]).find((e) => e.type === 'BOOKMARK')?.object.kind);
    expect(b?.object.metadata.resourceVersion).toMatch(/^\d+$/);
  }
  for (const e of events as { type: string; object: Record<string, unknown> }[]) {
    if (e.type === 'ERROR') {
      const exp = (expected as { type: string; object: Record<string, unknown> }[]).find((x) => x.type === 'ERROR');
      const problems: string[] = [];
      if (exp) compareStatus(exp.object, e.object, problems);
      expect(problems).toEqual([]);
    }
  }
}
