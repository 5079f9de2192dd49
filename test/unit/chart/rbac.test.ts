/**
 * The chart's RBAC is exactly what the code declares it needs: rendered ClusterRoles and Roles equal
 * operator/src/kube/rbac.ts and webhook/src/rbac.ts, contain no wildcard, and are bound to the right
 * service accounts. Also unit-tests the isAllowed() checker (api/rbac.ts) the recorded-requests test and the sandbox use.
 */
import { describe, expect, test, beforeAll } from '@jest/globals';
import { OPERATOR_CLUSTER_RULES, OPERATOR_NAMESPACE_RULES } from '../../../operator/src/kube/rbac.ts';
import { WEBHOOK_CLUSTER_RULES, WEBHOOK_NAMESPACE_RULES } from '../../../webhook/src/rbac.ts';
import type { PolicyRule } from '../../../api/rbac.ts';
import { RELEASE, field, findOne, renderObjects } from './support/render.ts';
import type { K8sObject } from './support/render.ts';
import { isAllowed, normalizeRules, wildcards } from '../../../api/rbac.ts';

const OPERATOR = `${RELEASE}-chaos-monkey-operator`;
const WEBHOOK = `${RELEASE}-chaos-monkey-webhook`;
let objects: K8sObject[];
let certManager: K8sObject[];

beforeAll(() => {
  objects = renderObjects();
  certManager = renderObjects({ set: ['crds.managed=true', 'certificates.mode=cert-manager'] });
}, 240_000);

const rules = (kind: string, name: string, objs: K8sObject[] = objects): PolicyRule[] => field(findOne(objs, kind, name), 'rules') as PolicyRule[];

describe('rendered rules equal the code tables', () => {
  test.each([
    ['ClusterRole', OPERATOR, OPERATOR_CLUSTER_RULES],
    ['Role', OPERATOR, OPERATOR_NAMESPACE_RULES],
    ['ClusterRole', WEBHOOK, WEBHOOK_CLUSTER_RULES],
    ['Role', WEBHOOK, WEBHOOK_NAMESPACE_RULES],
  ] as const)('%s %s', (kind, name, table) => {
    expect(normalizeRules(rules(kind, name))).toEqual(normalizeRules(table));
  });

  test('no wildcard anywhere in the rendered rules', () => {
    const all = objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role').flatMap((o) => o.rules as PolicyRule[]);
    expect(all.length).toBeGreaterThan(5);
    expect(wildcards(all)).toEqual([]);
  });

  test('the Roles are in the release namespace; the webhook Role covers no Secret beyond its namespace', () => {
    expect(findOne(objects, 'Role', OPERATOR).metadata.namespace).toBe('chaosmonkey');
    expect(findOne(objects, 'Role', WEBHOOK).metadata.namespace).toBe('chaosmonkey');
    expect(rules('ClusterRole', WEBHOOK).some((r) => r.resources.includes('secrets'))).toBe(false);
  });

  test('cert-manager mode renders no webhook permissions at all', () => {
    expect(certManager.filter((o) => /Role/.test(o.kind) && o.metadata.name === WEBHOOK)).toEqual([]);
    expect(normalizeRules(rules('ClusterRole', OPERATOR, certManager))).toEqual(normalizeRules(OPERATOR_CLUSTER_RULES));
  });
});

describe('bindings', () => {
  test.each([
    ['ClusterRoleBinding', 'ClusterRole', OPERATOR],
    ['RoleBinding', 'Role', OPERATOR],
    ['ClusterRoleBinding', 'ClusterRole', WEBHOOK],
    ['RoleBinding', 'Role', WEBHOOK],
  ])('%s %s binds %s to its own service account only', (bindingKind, roleKind, name) => {
    const b = findOne(objects, bindingKind, name);
    expect(b.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name });
    expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name, namespace: 'chaosmonkey' }]);
    findOne(objects, 'ServiceAccount', name);
    expect(field(findOne(objects, 'Deployment', name), 'spec.template.spec.serviceAccountName')).toBe(name);
  });
});

describe('isAllowed', () => {
  const table: PolicyRule[] = [
    { apiGroups: [''], resources: ['pods'], verbs: ['list', 'delete'] },
    { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['patch'] },
    { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get', 'patch'], resourceNames: ['a.b.c'] },
    { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create'] },
  ];
  test.each([
    [{ verb: 'list', group: '', resource: 'pods' }, true],
    [{ verb: 'delete', group: '', resource: 'pods', name: 'p' }, true],
    [{ verb: 'watch', group: '', resource: 'pods' }, false],
    [{ verb: 'list', group: 'metrics.k8s.io', resource: 'pods' }, false],
    [{ verb: 'get', group: '', resource: 'pods', subresource: 'status', name: 'p' }, false],
    [{ verb: 'patch', group: 'apps', resource: 'deployments', subresource: 'scale', name: 'd' }, true],
    [{ verb: 'patch', group: 'apps', resource: 'deployments', name: 'd' }, false],
    [{ verb: 'get', group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions', name: 'a.b.c' }, true],
    [{ verb: 'get', group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions', name: 'other' }, false],
    [{ verb: 'get', group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' }, false],
    [{ verb: 'create', group: 'events.k8s.io', resource: 'events' }, true],
    [{ verb: 'create', group: '', resource: 'events' }, true],
  ])('%j -> %s', (request, allowed) => {
    expect(isAllowed(request, table)).toBe(allowed);
  });

  test('wildcards allow everything and are reported', () => {
    const star: PolicyRule[] = [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }];
    expect(isAllowed({ verb: 'deletecollection', group: 'x', resource: 'y', subresource: 'z' }, star)).toBe(true);
    expect(wildcards(star)).toEqual(['rule 0: apiGroups', 'rule 0: resources', 'rule 0: verbs']);
  });
});
