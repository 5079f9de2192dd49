/**
 * Watch semantics: initial ADDED events, resume from a resourceVersion, selector transitions, bookmarks,
 * timeoutSeconds, 410 Expired after compact(), dropWatches(), openWatchCount().
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import type { SandboxServer } from '../../../../sandbox/server/sandbox.ts';
import { WatchReader, call, pod, start } from './helpers.ts';

let s: SandboxServer;
const NS = '/api/v1/namespaces/w';
beforeAll(async () => {
  s = await start();
  await call(s, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'w' } });
});
afterAll(async () => {
  await s.shutdown();
});

const types = (w: WatchReader): string => w.summary();

describe('watch', () => {
  test('without rv (and with rv=0) sends the current objects as ADDED, then changes', async () => {
    await call(s, 'POST', `${NS}/pods`, pod('a', { app: 'x' }));
    await call(s, 'POST', `${NS}/pods`, pod('b', { app: 'y' }));
    for (const q of ['watch=true', 'watch=1&resourceVersion=0']) {
      const w = await WatchReader.open(s, `${NS}/pods?${q}`);
      await w.until((e) => e.length >= 2);
      expect(w.events.slice(0, 2).map((e) => `${e.type}:${e.object.metadata.name}`)).toEqual(['ADDED:a', 'ADDED:b']);
      expect(w.events[0]?.object.kind).toBe('Pod');
      w.close();
    }
  });

  test('resumes from a resourceVersion with the events after it, in order', async () => {
    const list = await call(s, 'GET', `${NS}/pods`);
    const rv = list.body.metadata.resourceVersion as string;
    await call(s, 'PATCH', `${NS}/pods/a`, { metadata: { labels: { app: 'x', step: '2' } } }, 'application/merge-patch+json');
    await call(s, 'DELETE', `${NS}/pods/b?gracePeriodSeconds=0`);
    const w = await WatchReader.open(s, `${NS}/pods?watch=true&resourceVersion=${rv}`);
    await w.until((e) => e.some((x) => x.type === 'DELETED'));
    expect(types(w)).toBe('MODIFIED:a MODIFIED:b DELETED:b');
    const rvs = w.events.map((e) => Number(e.object.metadata.resourceVersion));
    expect([...rvs].sort((x, y) => x - y)).toEqual(rvs);
    expect(rvs[0]).toBeGreaterThan(Number(rv));
    w.close();
  });

  test('a label-selected watch sees objects enter (ADDED) and leave (DELETED) the selection', async () => {
    const w = await WatchReader.open(s, `${NS}/pods?watch=true&labelSelector=sel%3Din&resourceVersion=${(await call(s, 'GET', `${NS}/pods`)).body.metadata.resourceVersion}`);
    await call(s, 'POST', `${NS}/pods`, pod('c', { sel: 'out' }));
    await call(s, 'PATCH', `${NS}/pods/c`, { metadata: { labels: { sel: 'in' } } }, 'application/merge-patch+json');
    await call(s, 'PATCH', `${NS}/pods/c`, { metadata: { labels: { sel: 'out' } } }, 'application/merge-patch+json');
    await w.until((e) => e.length >= 2);
    expect(types(w)).toBe('ADDED:c DELETED:c');
    w.close();
  });

  test('timeoutSeconds ends the stream; allowWatchBookmarks sends a BOOKMARK of the watched kind first', async () => {
    const w = await WatchReader.open(s, `${NS}/pods?watch=true&resourceVersion=${(await call(s, 'GET', `${NS}/pods`)).body.metadata.resourceVersion}&allowWatchBookmarks=true&timeoutSeconds=1`);
    await w.untilEnded();
    const last = w.events[w.events.length - 1];
    expect(last?.type).toBe('BOOKMARK');
    expect(last?.object).toMatchObject({ kind: 'Pod', apiVersion: 'v1', metadata: { creationTimestamp: null } });
    expect(Number(last?.object.metadata.resourceVersion)).toBeGreaterThan(0);
  });

  test('compact(): a watch from an older rv gets HTTP 200 and one ERROR 410 Expired event, then the stream ends', async () => {
    const rv = (await call(s, 'GET', `${NS}/pods`)).body.metadata.resourceVersion as string;
    await call(s, 'POST', `${NS}/pods`, pod('d'));
    s.compact();
    const w = await WatchReader.open(s, `${NS}/pods?watch=true&resourceVersion=${rv}`);
    expect(w.status).toBe(200);
    await w.untilEnded();
    expect(w.events).toHaveLength(1);
    expect(w.events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', reason: 'Expired', code: 410 } });
    // the current rv is still watchable
    const cur = (await call(s, 'GET', `${NS}/pods`)).body.metadata.resourceVersion as string;
    const ok = await WatchReader.open(s, `${NS}/pods?watch=true&resourceVersion=${cur}`);
    await call(s, 'POST', `${NS}/pods`, pod('e'));
    await ok.until((e) => e.some((x) => x.object.metadata?.name === 'e'));
    ok.close();
  });

  test('dropWatches() ends every open stream; openWatchCount() follows', async () => {
    s.dropWatches();
    const before = s.openWatchCount();
    expect(before).toBe(0);
    const a = await WatchReader.open(s, `${NS}/pods?watch=true`);
    const b = await WatchReader.open(s, '/api/v1/namespaces?watch=true');
    expect(s.openWatchCount()).toBe(before + 2);
    s.dropWatches();
    await a.untilEnded();
    await b.untilEnded();
    expect(s.openWatchCount()).toBe(0);
  });

  test('a watch asking for Table output (kubectl get -w) gets one-row Tables, column definitions first only', async () => {
    const ac = new AbortController();
    const res = await fetch(`${s.url}${NS}/pods?watch=true`, { headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' }, signal: ac.signal });
    const reader = res.body?.getReader();
    let text = '';
    while ((text.match(/\n/g) ?? []).length < 2) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    ac.abort();
    const [e1, e2] = text.trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { kind: string; columnDefinitions: unknown[]; rows: { cells: unknown[] }[] } });
    expect(e1?.object.kind).toBe('Table');
    expect(e1?.object.columnDefinitions.length).toBeGreaterThan(0);
    expect(e1?.object.rows).toHaveLength(1);
    expect(e2?.object.columnDefinitions).toEqual([]);
  });

  test('watch of a cluster-scoped resource and of all namespaces', async () => {
    const all = await WatchReader.open(s, `/api/v1/pods?watch=true&resourceVersion=${(await call(s, 'GET', '/api/v1/pods')).body.metadata.resourceVersion}`);
    await call(s, 'POST', '/api/v1/namespaces/default/pods', pod('elsewhere'));
    await all.until((e) => e.some((x) => x.object.metadata.name === 'elsewhere'));
    expect(all.events[0]?.object.metadata.namespace).toBe('default');
    all.close();
  });
});
