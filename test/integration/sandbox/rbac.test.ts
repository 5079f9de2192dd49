/**
 * The sandbox's opt-in RBAC authorizer answers like kube-apiserver v1.28.7: the 403 Status bodies and
 * SelfSubjectAccessReview answers below were taken from a real v1.28.7 server with the seed's
 * ClusterRole bound to a ServiceAccount (curl with its token; namespace and role names adapted).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startSandbox } from '../../../sandbox/index.ts';
import type { Sandbox } from '../../../sandbox/index.ts';
import { SEED_IDENTITY, SEED_TOKEN } from '../operator/support/seed-rbac.ts';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ tls: false, identities: { [SEED_TOKEN]: SEED_IDENTITY } });
});
afterAll(async () => {
  await sandbox.stop();
});

const USER = 'system:serviceaccount:chaosmonkey:chaosmonkey';
async function call(method: string, path: string, token: string = SEED_TOKEN, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: unknown; nosniff: string | null }> {
  const res = await fetch(`${sandbox.url}${path}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: await res.json(), nosniff: res.headers.get('x-content-type-options') };
}
const forbidden = (message: string, details: Record<string, string>): unknown => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Forbidden', details, code: 403 });

describe('403 Status bodies', () => {
  test.each([
    ['GET', '/api/v1/namespaces', forbidden(`namespaces is forbidden: User "${USER}" cannot list resource "namespaces" in API group "" at the cluster scope`, { kind: 'namespaces' })],
    ['GET', '/api/v1/namespaces/default', forbidden(`namespaces "default" is forbidden: User "${USER}" cannot get resource "namespaces" in API group "" in the namespace "default"`, { name: 'default', kind: 'namespaces' })],
    ['GET', '/apis/apps/v1/namespaces/default/deployments/x/scale', forbidden(`deployments.apps "x" is forbidden: User "${USER}" cannot get resource "deployments/scale" in API group "apps" in the namespace "default"`, { name: 'x', group: 'apps', kind: 'deployments' })],
    ['GET', '/apis/coordination.k8s.io/v1/namespaces/chaosmonkey/leases?watch=true', forbidden(`leases.coordination.k8s.io is forbidden: User "${USER}" cannot watch resource "leases" in API group "coordination.k8s.io" in the namespace "chaosmonkey"`, { group: 'coordination.k8s.io', kind: 'leases' })],
    ['DELETE', '/api/v1/namespaces/default/pods', forbidden(`pods is forbidden: User "${USER}" cannot deletecollection resource "pods" in API group "" in the namespace "default"`, { kind: 'pods' })],
  ])('%s %s', async (method, path, expected) => {
    const res = await call(method, path);
    expect(res.status).toBe(403);
    expect(res.body).toEqual(expected);
    expect(res.nosniff).toBe('nosniff');
  });

  test('a status patch names the object and the subresource', async () => {
    const res = await call('PATCH', '/apis/cm.massix.github.io/v1/namespaces/default/chaosmonkeyconfigurations/x/status', SEED_TOKEN, {}, 'application/merge-patch+json');
    expect(res.body).toEqual(forbidden(`chaosmonkeyconfigurations.cm.massix.github.io "x" is forbidden: User "${USER}" cannot patch resource "chaosmonkeyconfigurations/status" in API group "cm.massix.github.io" in the namespace "default"`, { name: 'x', group: 'cm.massix.github.io', kind: 'chaosmonkeyconfigurations' }));
  });

  test('allowed requests and the default token are served as before', async () => {
    const watch = await fetch(`${sandbox.url}/api/v1/namespaces?watch=true&timeoutSeconds=1`, { headers: { Authorization: `Bearer ${SEED_TOKEN}` } });
    expect(watch.status).toBe(200);
    expect(await watch.text()).toContain('"type":"ADDED"');
    expect((await call('GET', '/api/v1/namespaces', 'sandbox-token')).status).toBe(200);
  });
});

describe('SelfSubjectAccessReview', () => {
  const ssar = (resourceAttributes: Record<string, string>): unknown => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes } });
  test('allowed, with the binding as reason; spec echoed without empty fields', async () => {
    const res = await call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', SEED_TOKEN, ssar({ verb: 'list', resource: 'pods', group: '' }));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { verb: 'list', resource: 'pods' } },
      status: { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "chaosmonkey" of ClusterRole "chaosmonkey" to ServiceAccount "chaosmonkey/chaosmonkey"' },
    });
  });
  test('denied: allowed false and no reason; full access: allowed without reason', async () => {
    const attrs = { namespace: 'x', verb: 'patch', group: 'apps', resource: 'deployments', subresource: 'scale' };
    const denied = await call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', SEED_TOKEN, ssar(attrs));
    expect(denied.body).toMatchObject({ spec: { resourceAttributes: attrs }, status: { allowed: false } });
    expect((denied.body as { status: Record<string, unknown> }).status).toEqual({ allowed: false });
    const admin = await call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', 'sandbox-token', ssar(attrs));
    expect((admin.body as { status: Record<string, unknown> }).status).toEqual({ allowed: true });
  });
});

describe('create pods/eviction', () => {
  const eviction = (name: string): unknown => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name } });
  test('a rule for pods (even with create and delete) does not allow evictions; one for pods/eviction does', async () => {
    const pods = '/api/v1/namespaces/default/pods';
    expect((await call('POST', pods, 'sandbox-token', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'victim' }, spec: { containers: [{ name: 'c', image: 'x:1' }] } })).status).toBe(201);
    const seed = await call('POST', `${pods}/victim/eviction`, SEED_TOKEN, eviction('victim'));
    expect(seed.status).toBe(403);
    expect(seed.body).toEqual(forbidden(`pods "victim" is forbidden: User "${USER}" cannot create resource "pods/eviction" in API group "" in the namespace "default"`, { name: 'victim', kind: 'pods' }));
    const user = 'system:serviceaccount:chaosmonkey:evictor';
    sandbox.setIdentity('pods-only', { user, clusterRules: [{ apiGroups: [''], resources: ['pods'], verbs: ['create', 'delete', 'get'] }] });
    sandbox.setIdentity('evictor', { user, clusterRules: [{ apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] }] });
    expect((await call('POST', `${pods}/victim/eviction`, 'pods-only', eviction('victim'))).status).toBe(403);
    const ssar = await call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', 'evictor', { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods', subresource: 'eviction', name: 'victim' } } });
    expect((ssar.body as { status: { allowed: boolean } }).status.allowed).toBe(true);
    expect((await call('POST', `${pods}/victim/eviction`, 'evictor', eviction('victim'))).status).toBe(201);
  });
});
