/**
 * The store and watch hub as pure in-memory structures: rv counter, history and compaction, key-ordered
 * iteration and paging with continue tokens, per-namespace fan-out; plus small pure helpers.
 */
import { describe, expect, test } from '@jest/globals';
import { Store, ContinueTokenError } from '../../../../sandbox/store/store.ts';
import { WatchHub } from '../../../../sandbox/store/watch-hub.ts';
import type { StoreEvent } from '../../../../sandbox/store/types.ts';
import { compareKubeVersions } from '../../../../sandbox/server/discovery.ts';
import { templateHash } from '../../../../sandbox/controllers/deployment.ts';

const obj = (ns: string, name: string, labels?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: ns, name, ...(labels ? { labels } : {}) } });

describe('Store', () => {
  test('every write gets the next rv; DELETED carries a new rv; history replays after an rv', () => {
    const s = new Store();
    const a = s.put('/pods', obj('n', 'a'));
    const b = s.put('/pods', obj('n', 'b'));
    const a2 = s.put('/pods', obj('n', 'a', { x: 'y' }));
    const gone = s.remove('/pods', obj('n', 'b'));
    expect([a.rv, b.rv, a2.rv, gone?.rv]).toEqual([2, 3, 4, 5]);
    expect(JSON.parse(a2.body).metadata.resourceVersion).toBe('4');
    expect(s.eventsSince(3)?.map((e) => `${e.type}:${e.entry.name}`)).toEqual(['MODIFIED:a', 'DELETED:b']);
    expect(s.get('/pods', 'n', 'b')).toBeUndefined();
    expect(s.count('/pods')).toBe(1);
  });

  test('compact() makes older rvs unwatchable, keeps the current one', () => {
    const s = new Store();
    s.put('/pods', obj('n', 'a'));
    const cur = s.currentRv();
    s.compact();
    expect(s.eventsSince(cur - 1)).toBeUndefined();
    expect(s.eventsSince(cur)).toEqual([]);
  });

  test('the history bound drops the oldest events and moves the watchable floor', () => {
    const s = new Store(10);
    for (let i = 0; i < 25; i++) s.put('/pods', obj('n', `p${i}`));
    expect(s.eventsSince(2)).toBeUndefined();
    expect(s.eventsSince(s.currentRv() - 5)?.length).toBe(5);
  });

  test('iteration is in (namespace, name) order; paging resumes after the last key', () => {
    const s = new Store();
    for (const [ns, n] of [['b', 'z'], ['a', 'y'], ['b', 'a'], ['a', 'b']] as const) s.put('/pods', obj(ns, n));
    expect([...s.iterate('/pods')].map((e) => `${e.namespace}/${e.name}`)).toEqual(['a/b', 'a/y', 'b/a', 'b/z']);
    const p1 = s.listPage('/pods', undefined, undefined, 3, undefined, true);
    expect(p1.items.map((e) => e.name)).toEqual(['b', 'y', 'a']);
    expect(p1.remaining).toBe(1);
    const p2 = s.listPage('/pods', undefined, undefined, 3, p1.continueToken, true);
    expect(p2.items.map((e) => e.name)).toEqual(['z']);
    expect(p2.continueToken).toBeUndefined();
    expect(() => s.listPage('/pods', undefined, undefined, 3, 'bm90LWpzb24=', true)).toThrow(ContinueTokenError);
  });
});

describe('WatchHub', () => {
  test('delivers an event only to watchers of its collection and namespace (and all-namespace watchers)', () => {
    const s = new Store();
    const hub = new WatchHub(s);
    const got: Record<string, string[]> = { n1: [], all: [], other: [] };
    const sub = (key: string, namespace: string | undefined, tag: string) => ({ key, namespace, onEvent: (e: StoreEvent) => got[tag]?.push(e.entry.name) });
    hub.add(sub('/pods', 'n1', 'n1'));
    hub.add(sub('/pods', undefined, 'all'));
    const other = sub('/secrets', 'n1', 'other');
    hub.add(other);
    s.put('/pods', obj('n1', 'a'));
    s.put('/pods', obj('n2', 'b'));
    s.put('/secrets', obj('n1', 'c'));
    expect(got).toEqual({ n1: ['a'], all: ['a', 'b'], other: ['c'] });
    expect(hub.count()).toBe(3);
    hub.remove(other);
    hub.remove(other);
    expect(hub.count()).toBe(2);
  });
});

describe('pure helpers', () => {
  test('Kubernetes version priority orders GA > beta > alpha, higher first', () => {
    expect(['v1alpha1', 'v2beta1', 'v1', 'v1beta2', 'v2', 'foo'].sort(compareKubeVersions)).toEqual(['v2', 'v1', 'v2beta1', 'v1beta2', 'v1alpha1', 'foo']);
  });

  test('templateHash is 10 hex chars, stable, and changes with the template', () => {
    const t = { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } };
    expect(templateHash(t)).toMatch(/^[0-9a-f]{10}$/);
    expect(templateHash(structuredClone(t))).toBe(templateHash(t));
    expect(templateHash({ ...t, spec: { containers: [{ name: 'c', image: 'x:2' }] } })).not.toBe(templateHash(t));
  });
});
