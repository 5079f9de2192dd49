/**
 * Object semantics of the sandbox over HTTP: uid, generation, resourceVersion, timestamps, finalizers,
 * conflicts, patches, status subresource, selectors, paging, CRD lifecycle, deprecation warnings.
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import type { SandboxServer } from '../../../../sandbox/server/sandbox.ts';
import { call, pod, start } from './helpers.ts';
import { readUntil, waitFor } from '../../../support/wait-for.ts';

let s: SandboxServer;
beforeAll(async () => {
  s = await start();
});
afterAll(async () => {
  await s.shutdown();
});

const PODS = '/api/v1/namespaces/default/pods';
const DEPS = '/apis/apps/v1/namespaces/default/deployments';

function deployment(name: string, replicas = 1): Record<string, unknown> {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } } };
}

describe('metadata', () => {
  test('create sets uid, creationTimestamp, namespace and a resourceVersion; rvs are monotonic across kinds', async () => {
    const a = await call(s, 'POST', PODS, pod('meta-a'));
    const b = await call(s, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'meta-ns' } });
    const c = await call(s, 'POST', PODS, pod('meta-c'));
    expect(a.status).toBe(201);
    expect(a.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.body.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(a.body.metadata.namespace).toBe('default');
    const rvs = [a, b, c].map((r) => Number(r.body.metadata.resourceVersion));
    expect(rvs[1]).toBeGreaterThan(rvs[0] as number);
    expect(rvs[2]).toBeGreaterThan(rvs[1] as number);
    expect(a.body.metadata.uid).not.toBe(c.body.metadata.uid);
    const list = await call(s, 'GET', PODS);
    expect(Number(list.body.metadata.resourceVersion)).toBeGreaterThanOrEqual(rvs[2] as number);
  });

  test('generateName gets a 5-character suffix; missing name is 422', async () => {
    const r = await call(s, 'POST', PODS, { ...pod(''), metadata: { generateName: 'gen-' } });
    expect(r.body.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
    const bad = await call(s, 'POST', PODS, { ...pod(''), metadata: {} });
    expect(bad.status).toBe(422);
    expect(bad.body.details.causes[0].field).toBe('metadata.name');
  });

  test('generation bumps on spec change only; status writes never bump it', async () => {
    const created = await call(s, 'POST', DEPS, deployment('gen', 0));
    expect(created.body.metadata.generation).toBe(1);
    const labels = await call(s, 'PATCH', `${DEPS}/gen`, { metadata: { labels: { x: 'y' } } }, 'application/merge-patch+json');
    expect(labels.body.metadata.generation).toBe(1);
    const spec = await call(s, 'PATCH', `${DEPS}/gen`, { spec: { replicas: 0, paused: true } }, 'application/merge-patch+json');
    expect(spec.body.metadata.generation).toBe(2);
    const st = await call(s, 'PATCH', `${DEPS}/gen/status`, { status: { observedGeneration: 2 } }, 'application/merge-patch+json');
    expect(st.body.metadata.generation).toBe(2);
    expect(st.body.status.observedGeneration).toBe(2);
    expect(Number(st.body.metadata.resourceVersion)).toBeGreaterThan(Number(spec.body.metadata.resourceVersion));
  });

  test('a no-op update keeps the resourceVersion', async () => {
    const cur = await call(s, 'GET', `${PODS}/meta-a`);
    const again = await call(s, 'PUT', `${PODS}/meta-a`, cur.body);
    expect(again.body.metadata.resourceVersion).toBe(cur.body.metadata.resourceVersion);
  });
});

describe('dryRun=All', () => {
  test('create, patch and delete are validated and answered but nothing is stored', async () => {
    const c = await call(s, 'POST', `${PODS}?dryRun=All`, pod('dry'));
    expect(c.status).toBe(201);
    expect(c.body.metadata.name).toBe('dry');
    expect((await call(s, 'GET', `${PODS}/dry`)).status).toBe(404);
    expect((await call(s, 'POST', `${PODS}?dryRun=All`, { ...pod('dry'), spec: { containers: [{ name: 'c' }] } })).status).toBe(422);
    const before = (await call(s, 'GET', `${PODS}/meta-a`)).body;
    const p = await call(s, 'PATCH', `${PODS}/meta-a?dryRun=All`, { metadata: { labels: { dry: 'run' } } }, 'application/merge-patch+json');
    expect(p.body.metadata.labels.dry).toBe('run');
    expect((await call(s, 'GET', `${PODS}/meta-a`)).body.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect((await call(s, 'DELETE', `${PODS}/meta-a?dryRun=All`)).status).toBe(200);
    expect((await call(s, 'GET', `${PODS}/meta-a`)).status).toBe(200);
  });
});

describe('update and conflicts', () => {
  test('stale resourceVersion is 409 Conflict; without rv it is an unconditional update', async () => {
    await call(s, 'POST', PODS, pod('upd', { v: '1' }));
    // The kubelet stand-in already moved the pod to Running; read the current version first.
    const stale = (await call(s, 'GET', `${PODS}/upd`)).body;
    expect(stale.status.phase).toBe('Running');
    const u1 = await call(s, 'PUT', `${PODS}/upd`, { ...stale, metadata: { ...stale.metadata, labels: { v: '2' } } });
    expect(u1.status).toBe(200);
    const u2 = await call(s, 'PUT', `${PODS}/upd`, { ...stale, metadata: { ...stale.metadata, labels: { v: '3' } } });
    expect(u2.status).toBe(409);
    expect(u2.body.reason).toBe('Conflict');
    const { resourceVersion: _rv, ...meta } = stale.metadata;
    const u3 = await call(s, 'PUT', `${PODS}/upd`, { ...stale, metadata: { ...meta, labels: { v: '4' } } });
    expect(u3.status).toBe(200);
    expect(u3.body.metadata.labels).toEqual({ v: '4' });
  });

  test('uid and creationTimestamp cannot be changed by an update', async () => {
    const cur = (await call(s, 'GET', `${PODS}/upd`)).body;
    const r = await call(s, 'PUT', `${PODS}/upd`, { ...cur, metadata: { ...cur.metadata, uid: 'other', creationTimestamp: '2000-01-01T00:00:00Z', labels: { v: '5' } } });
    expect(r.body.metadata.uid).toBe(cur.metadata.uid);
    expect(r.body.metadata.creationTimestamp).toBe(cur.metadata.creationTimestamp);
  });
});

describe('finalizers and deletion', () => {
  test('delete with finalizers sets deletionTimestamp; removing the last finalizer deletes the object', async () => {
    await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fin', finalizers: ['example.com/keep'] } });
    const del = await call(s, 'DELETE', '/api/v1/namespaces/default/configmaps/fin');
    expect(del.status).toBe(200);
    expect(del.body.metadata.deletionTimestamp).toBeDefined();
    const still = await call(s, 'GET', '/api/v1/namespaces/default/configmaps/fin');
    expect(still.status).toBe(200);
    const gone = await call(s, 'PATCH', '/api/v1/namespaces/default/configmaps/fin', { metadata: { finalizers: null } }, 'application/merge-patch+json');
    expect(gone.status).toBe(200);
    expect((await call(s, 'GET', '/api/v1/namespaces/default/configmaps/fin')).status).toBe(404);
  });

  test('pod delete with gracePeriodSeconds > 0 keeps the pod terminating for that long; 0 removes it at once', async () => {
    await call(s, 'POST', PODS, pod('graceful'));
    const d = await call(s, 'DELETE', `${PODS}/graceful?gracePeriodSeconds=1`);
    expect(d.body.metadata.deletionGracePeriodSeconds).toBe(1);
    expect((await call(s, 'GET', `${PODS}/graceful`)).status).toBe(200);
    await waitFor('the graceful pod gone', async () => (await call(s, 'GET', `${PODS}/graceful`)).status === 404, 5_000);
    await call(s, 'POST', PODS, pod('instant'));
    const i = await call(s, 'DELETE', `${PODS}/instant?gracePeriodSeconds=0`);
    expect(i.body.kind).toBe('Pod');
    expect((await call(s, 'GET', `${PODS}/instant`)).status).toBe(404);
  });

  test('deletecollection with a label selector', async () => {
    await call(s, 'POST', PODS, pod('dc-1', { dc: 'yes' }));
    await call(s, 'POST', PODS, pod('dc-2', { dc: 'yes' }));
    const r = await call(s, 'DELETE', `${PODS}?labelSelector=dc%3Dyes`);
    expect(r.status).toBe(200);
    expect((await call(s, 'GET', `${PODS}?labelSelector=dc%3Dyes`)).body.items).toHaveLength(0);
  });
});

describe('openapi v3 (what kubectl checks for server-side field validation)', () => {
  test('the root lists every served group/version; a document has PATCH operations with fieldValidation', async () => {
    const root = await call(s, 'GET', '/openapi/v3');
    expect(Object.keys(root.body.paths)).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/coordination.k8s.io/v1']));
    const doc = await call(s, 'GET', root.body.paths['apis/apps/v1'].serverRelativeURL);
    const op = doc.body.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(op['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(op.parameters.map((p: { name: string }) => p.name)).toContain('fieldValidation');
    expect((await call(s, 'GET', '/openapi/v3/apis/nope/v1')).status).toBe(404);
  });
});

describe('eviction and events', () => {
  test('POST pods/<name>/eviction deletes the pod with its grace period and answers a Success Status (201)', async () => {
    await call(s, 'POST', PODS, pod('evict-me'));
    const r = await call(s, 'POST', `${PODS}/evict-me/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'evict-me' } });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    expect((await call(s, 'GET', `${PODS}/evict-me`)).body.metadata.deletionGracePeriodSeconds).toBe(30);
    await call(s, 'POST', PODS, pod('evict-now'));
    await call(s, 'POST', `${PODS}/evict-now/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'evict-now' }, deleteOptions: { gracePeriodSeconds: 0 } });
    expect((await call(s, 'GET', `${PODS}/evict-now`)).status).toBe(404);
  });

  test('events can be selected by involvedObject fields, through both Event APIs', async () => {
    await call(s, 'POST', '/api/v1/namespaces/default/events', { apiVersion: 'v1', kind: 'Event', metadata: { name: 'ev-a' }, involvedObject: { kind: 'Pod', name: 'victim', namespace: 'default' }, reason: 'PodKilled', message: 'm', type: 'Normal' });
    await call(s, 'POST', '/api/v1/namespaces/default/events', { apiVersion: 'v1', kind: 'Event', metadata: { name: 'ev-b' }, involvedObject: { kind: 'Pod', name: 'other', namespace: 'default' }, reason: 'X', message: 'm', type: 'Warning' });
    const r = await call(s, 'GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dvictim%2Creason%3DPodKilled');
    expect(r.body.items.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['ev-a']);
    const n = await call(s, 'GET', '/apis/events.k8s.io/v1/namespaces/default/events?fieldSelector=type%3DWarning');
    expect(n.body.items.map((e: { metadata: { name: string }; regarding: { name: string } }) => [e.metadata.name, e.regarding.name])).toEqual([['ev-b', 'other']]);
  });
});

describe('patches', () => {
  test('merge, strategic merge (containers by name) and JSON patch; 415 for other types', async () => {
    await call(s, 'POST', DEPS, { ...deployment('pt', 0), spec: { ...(deployment('pt', 0).spec as object), template: { metadata: { labels: { app: 'pt' } }, spec: { containers: [{ name: 'a', image: 'x:1' }, { name: 'b', image: 'y:1' }] } } } });
    const smp = await call(s, 'PATCH', `${DEPS}/pt`, { spec: { template: { spec: { containers: [{ name: 'b', image: 'y:2' }] } } } }, 'application/strategic-merge-patch+json');
    expect(smp.body.spec.template.spec.containers.map((c: { image: string }) => c.image)).toEqual(['x:1', 'y:2']);
    const jp = await call(s, 'PATCH', `${DEPS}/pt`, [{ op: 'add', path: '/metadata/annotations', value: { a: 'b' } }], 'application/json-patch+json');
    expect(jp.body.metadata.annotations).toEqual({ a: 'b' });
    const bad = await call(s, 'PATCH', `${DEPS}/pt`, [{ op: 'test', path: '/spec/replicas', value: 9 }], 'application/json-patch+json');
    expect(bad.status).toBe(422);
    const unsupported = await call(s, 'PATCH', `${DEPS}/pt`, '{}', 'application/xml');
    expect(unsupported.status).toBe(415);
    const stale = await call(s, 'PATCH', `${DEPS}/pt`, { metadata: { resourceVersion: '1' }, spec: { replicas: 0 } }, 'application/merge-patch+json');
    expect(stale.status).toBe(409);
  });
});

describe('list selectors and paging', () => {
  test('label (equality and set-based) and field selectors; unsupported field label is 400', async () => {
    await call(s, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sel' } });
    for (const [n, l] of [['s1', { app: 'web', tier: 'front' }], ['s2', { app: 'db' }], ['s3', { app: 'cache' }]] as const) {
      await call(s, 'POST', '/api/v1/namespaces/sel/pods', pod(n, l));
    }
    const names = async (q: string): Promise<string[]> => (await call(s, 'GET', `/api/v1/namespaces/sel/pods?${q}`)).body.items.map((i: { metadata: { name: string } }) => i.metadata.name);
    expect(await names('labelSelector=app%3Dweb')).toEqual(['s1']);
    expect(await names(`labelSelector=${encodeURIComponent('app in (db,cache)')}`)).toEqual(['s2', 's3']);
    expect(await names('labelSelector=!tier')).toEqual(['s2', 's3']);
    expect(await names('fieldSelector=metadata.name%3Ds2')).toEqual(['s2']);
    expect(await names('fieldSelector=metadata.namespace%3Dsel')).toHaveLength(3);
    expect(await names('fieldSelector=status.phase%3DRunning')).toHaveLength(3);
    expect((await call(s, 'GET', '/api/v1/namespaces/sel/pods?fieldSelector=spec.foo%3Dx')).status).toBe(400);
    expect((await call(s, 'GET', `/api/v1/pods?labelSelector=${encodeURIComponent('app in (web')}`)).status).toBe(400);
    const all = (await call(s, 'GET', '/api/v1/pods?labelSelector=app%3Ddb')).body.items;
    expect(all.map((i: { metadata: { namespace: string } }) => i.metadata.namespace)).toEqual(['sel']);
  });

  test('limit/continue pages through every item once with remainingItemCount', async () => {
    const seen: string[] = [];
    let cont = '';
    let pages = 0;
    do {
      const r = await call(s, 'GET', `/api/v1/namespaces/sel/pods?limit=2${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      pages++;
      seen.push(...r.body.items.map((i: { metadata: { name: string } }) => i.metadata.name));
      cont = r.body.metadata.continue ?? '';
      if (pages === 1) expect(r.body.metadata.remainingItemCount).toBe(1);
    } while (cont);
    expect(pages).toBe(2);
    expect(seen).toEqual(['s1', 's2', 's3']);
    expect((await call(s, 'GET', '/api/v1/namespaces/sel/pods?continue=garbage')).status).toBe(400);
  });

  test('built-in list items carry no kind; custom resource items do', async () => {
    const l = await call(s, 'GET', '/api/v1/namespaces/sel/pods');
    expect(l.body.items[0].kind).toBeUndefined();
  });
});

describe('CRDs', () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'things.example.org' },
    spec: {
      group: 'example.org', scope: 'Namespaced', names: { plural: 'things', kind: 'Thing' },
      versions: [
        { name: 'v1', served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', required: ['size'], properties: { size: { type: 'integer' }, mode: { type: 'string', default: 'on' } } }, status: { type: 'object', properties: { phase: { type: 'string' } } } } } } },
        { name: 'v1beta1', served: true, storage: false, deprecated: true, deprecationWarning: 'example.org/v1beta1 Thing is deprecated; use v1', schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' }, mode: { type: 'string' } } }, status: { type: 'object', properties: { phase: { type: 'string' } } } } } } },
      ],
    },
  };
  const T = '/apis/example.org/v1/namespaces/default/things';

  test('a created CRD is served with discovery, defaults, validation and status subresource', async () => {
    expect((await call(s, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status).toBe(201);
    const disc = await call(s, 'GET', '/apis/example.org/v1');
    expect(disc.body.resources.map((r: { name: string }) => r.name)).toEqual(['things', 'things/status']);
    const groups = await call(s, 'GET', '/apis');
    expect(groups.body.groups.find((g: { name: string }) => g.name === 'example.org').preferredVersion.version).toBe('v1');
    const ok = await call(s, 'POST', T, { apiVersion: 'example.org/v1', kind: 'Thing', metadata: { name: 't1' }, spec: { size: 1, junk: true }, status: { phase: 'ignored?' } });
    expect(ok.status).toBe(201);
    expect(ok.body.spec).toEqual({ size: 1, mode: 'on' });
    const bad = await call(s, 'POST', T, { apiVersion: 'example.org/v1', kind: 'Thing', metadata: { name: 't2' }, spec: {} });
    expect(bad.status).toBe(422);
    expect(bad.body.details.causes[0]).toMatchObject({ reason: 'FieldValueRequired', field: 'spec.size' });
    const strict = await call(s, 'POST', `${T}?fieldValidation=Strict`, { apiVersion: 'example.org/v1', kind: 'Thing', metadata: { name: 'strict' }, spec: { size: 1, junk: true } });
    expect(strict.status).toBe(400);
    expect(strict.body.message).toBe('strict decoding error: unknown field "spec.junk"');
    s.setValidation(false);
    expect((await call(s, 'POST', T, { apiVersion: 'example.org/v1', kind: 'Thing', metadata: { name: 't2' }, spec: {} })).status).toBe(201);
    s.setValidation(true);
    const st = await call(s, 'PUT', `${T}/t1/status`, { ...ok.body, spec: { size: 99 }, status: { phase: 'Ready' } });
    expect(st.body.spec.size).toBe(1);
    expect(st.body.status.phase).toBe('Ready');
    const main = await call(s, 'PUT', `${T}/t1`, { ...st.body, spec: { size: 2 }, status: { phase: 'Nope' } });
    expect(main.body.status.phase).toBe('Ready');
    expect(main.body.metadata.generation).toBe(2);
  });

  test('reads at another served version rewrite apiVersion and carry the deprecation Warning', async () => {
    const r = await call(s, 'GET', '/apis/example.org/v1beta1/namespaces/default/things/t1');
    expect(r.body.apiVersion).toBe('example.org/v1beta1');
    expect(r.headers.get('warning')).toBe('299 - "example.org/v1beta1 Thing is deprecated; use v1"');
    const list = await call(s, 'GET', '/apis/example.org/v1/namespaces/default/things');
    expect(list.body.items.every((i: { kind: string; apiVersion: string }) => i.kind === 'Thing' && i.apiVersion === 'example.org/v1')).toBe(true);
    expect(list.body.metadata.continue).toBe('');
    const del = await call(s, 'DELETE', `${T}/t2`);
    expect(del.body).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 't2', kind: 'things' } });
  });

  test('Table output uses additionalPrinterColumns-like columns', async () => {
    const r = await call(s, 'GET', '/api/v1/namespaces/sel/pods', undefined, 'application/json', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    expect(r.body.kind).toBe('Table');
    expect(r.body.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    expect(r.body.rows).toHaveLength(3);
    expect(r.body.rows[0].object.kind).toBe('PartialObjectMetadata');
    const full = await call(s, 'GET', '/api/v1/namespaces/sel/pods/s1?includeObject=Object', undefined, 'application/json', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    expect(full.body.rows[0].object.kind).toBe('Pod');
    expect(full.body.rows[0].cells[0]).toBe('s1');
  });

  test('deleting the CRD deletes its objects and its paths answer 404 text/plain', async () => {
    const del = await call(s, 'DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/things.example.org');
    expect(del.body.metadata.finalizers).toEqual(['customresourcecleanup.apiextensions.k8s.io']);
    const r = await readUntil('the things path to answer 404', () => call(s, 'GET', T), (res) => res.status === 404, 5_000, 20);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(s.store.count('example.org/things')).toBe(0);
  });
});
