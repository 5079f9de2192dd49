/**
 * The chart's RBAC is exactly what the code declares it needs: the pod's one ServiceAccount gets
 * one ClusterRole and one Role equal to operator/src/kube/rbac.ts plus webhook/src/rbac.ts (the
 * webhook's part only with self-managed certificates), with no wildcard. Also unit-tests the isAllowed() checker (api/rbac.ts) the recorded-requests test and the sandbox use.
 */
import { describe, expect, test, beforeAll } from '@jest/globals';
import { OPERATOR_CLUSTER_RULES, OPERATOR_NAMESPACE_RULES } from '../../../operator/src/kube/rbac.ts';
import { WEBHOOK_CLUSTER_RULES, WEBHOOK_NAMESPACE_RULES } from '../../../webhook/src/rbac.ts';
import type { PolicyRule } from '../../../api/rbac.ts';
import { RELEASE, field, findOne, renderObjects } from './support/render.ts';
import type { K8sObject } from './support/render.ts';
import { isAllowed, normalizeRules, wildcards } from '../../../api/rbac.ts';

const NAME = `${RELEASE}-chaos-monkey`;
let objects: K8sObject[];
let certManager: K8sObject[];

beforeAll(() => {
  objects = renderObjects();
  certManager = renderObjects({ set: ['crds.managed=true', 'certificates.mode=cert-manager'] });
}, 240_000);

const rules = (kind: string, objs: K8sObject[] = objects): PolicyRule[] => field(findOne(objs, kind, NAME), 'rules') as PolicyRule[];

describe('rendered rules equal the code tables', () => {
  test.each([
    ['ClusterRole', [...OPERATOR_CLUSTER_RULES, ...WEBHOOK_CLUSTER_RULES]],
    ['Role', [...OPERATOR_NAMESPACE_RULES, ...WEBHOOK_NAMESPACE_RULES]],
  ] as const)('self-managed certificates (default): %s = operator table + webhook table', (kind, table) => {
    expect(normalizeRules(rules(kind))).toEqual(normalizeRules(table));
  });

  test.each([
    ['ClusterRole', OPERATOR_CLUSTER_RULES],
    ['Role', OPERATOR_NAMESPACE_RULES],
  ] as const)('cert-manager mode (the webhook never calls the API server): %s = operator table alone', (kind, table) => {
    expect(normalizeRules(rules(kind, certManager))).toEqual(normalizeRules(table));
  });

  test('exactly one ClusterRole and one Role; no wildcard anywhere in the rendered rules', () => {
    const roles = objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role');
    expect(roles.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([`ClusterRole/${NAME}`, `Role/${NAME}`]);
    const all = roles.flatMap((o) => o.rules as PolicyRule[]);
    expect(all.length).toBeGreaterThan(5);
    expect(wildcards(all)).toEqual([]);
  });

  test('the Role is in the release namespace; no cluster-wide rule covers Secrets', () => {
    expect(findOne(objects, 'Role', NAME).metadata.namespace).toBe('chaosmonkey');
    expect(rules('ClusterRole').some((r) => r.resources.includes('secrets'))).toBe(false);
  });
});

describe('bindings', () => {
  test.each([
    ['ClusterRoleBinding', 'ClusterRole'],
    ['RoleBinding', 'Role'],
  ])('%s binds %s to the pod\'s one service account only', (bindingKind, roleKind) => {
    const b = findOne(objects, bindingKind, NAME);
    expect(b.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: NAME });
    expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: NAME, namespace: 'chaosmonkey' }]);
    findOne(objects, 'ServiceAccount', NAME);
    expect(field(findOne(objects, 'Deployment', NAME), 'spec.template.spec.serviceAccountName')).toBe(NAME);
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
