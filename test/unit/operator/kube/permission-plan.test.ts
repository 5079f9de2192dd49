/** Pure rules: from SelfSubjectAccessReview answers to the plan, and the readable API error fields. */
import { describe, expect, test } from '@jest/globals';
import { ApiException } from '@kubernetes/client-node';
import { isAllowed } from '../../../../api/rbac.ts';
import { describeApiError, disruptionBudgetRefusalOf, toChaosError } from '../../../../operator/src/kube/api-errors.ts';
import { permissionChecks, planPermissions, renderPermissionTable } from '../../../../operator/src/kube/permission-plan.ts';
import { OPERATOR_CLUSTER_RULES, OPERATOR_NAMESPACE_RULES } from '../../../../operator/src/kube/rbac.ts';
import { healthBody } from '../../../../operator/src/http/health.ts';
import { SEED_CLUSTER_RULES } from '../../../integration/operator/support/seed-rbac.ts';

const checks = permissionChecks(OPERATOR_CLUSTER_RULES, OPERATOR_NAMESPACE_RULES, 'chaosmonkey');
const answersFor = (cluster: typeof SEED_CLUSTER_RULES, namespaced: typeof SEED_CLUSTER_RULES = []) =>
  checks.map((c) => {
    const [resource, subresource] = c.resource.split('/') as [string, string | undefined];
    const request = { verb: c.verb, group: c.group, resource, ...(subresource !== undefined ? { subresource } : {}) };
    return { ...c, allowed: isAllowed(request, cluster) || (c.namespace !== undefined && isAllowed(request, namespaced)) };
  });

describe('planPermissions', () => {
  test('the seed ClusterRole: watch-only Namespaces, scale by update, no status, no leader election, nothing fatal', () => {
    const plan = planPermissions(answersFor(SEED_CLUSTER_RULES), true);
    expect(plan).toMatchObject({ namespaceSource: 'watch-only', cmcSource: 'list-watch', scaleVerb: 'update', statusWrites: false, leaderElection: false, events: true, fatal: [] });
    expect(renderPermissionTable(plan.rows).split('\n')).toHaveLength(checks.length + 1);
  });
  test('the chart RBAC: everything as designed', () => {
    const plan = planPermissions(answersFor([...OPERATOR_CLUSTER_RULES], [...OPERATOR_NAMESPACE_RULES]), true);
    expect(plan).toMatchObject({ namespaceSource: 'list-watch', cmcSource: 'list-watch', scaleVerb: 'patch', statusWrites: true, leaderElection: true, fatal: [], warnings: [] });
  });
  test('no delete on pods and no watch on CMCs are fatal, each naming its rule', () => {
    const rules = OPERATOR_CLUSTER_RULES.map((r) => ({ ...r, verbs: r.verbs.filter((v) => !(v === 'delete' && r.resources.includes('pods')) && !(v === 'watch' && r.resources.includes('chaosmonkeyconfigurations'))) }));
    const plan = planPermissions(answersFor(rules), false);
    expect(plan.fatal).toEqual([
      'missing RBAC rule {apiGroups: ["cm.massix.github.io"], resources: ["chaosmonkeyconfigurations"], verbs: ["watch"]}: cannot watch ChaosMonkeyConfigurations',
      'missing RBAC rule {apiGroups: [""], resources: ["pods"], verbs: ["delete"]}: cannot kill pods',
    ]);
  });
  test('no create on pods/eviction: not fatal, evictions off (evict CMCs Blocked), the table and a warning say so', () => {
    const rules = OPERATOR_CLUSTER_RULES.filter((r) => !r.resources.includes('pods/eviction'));
    const plan = planPermissions(answersFor(rules, [...OPERATOR_NAMESPACE_RULES]), true);
    expect(plan.fatal).toEqual([]);
    expect(plan.evictions).toBe(false);
    expect(plan.warnings).toEqual(['no create on pods/eviction: CMCs with killMethod evict are Blocked (EvictionForbidden)']);
    expect(plan.rows.find((r) => r.permission === 'create core/pods/eviction')).toMatchObject({ granted: 'no', then: expect.stringContaining('Blocked (EvictionForbidden)') });
    expect(planPermissions(answersFor([...OPERATOR_CLUSTER_RULES], [...OPERATOR_NAMESPACE_RULES]), true).evictions).toBe(true);
  });
  test('reads: the chart RBAC gets both caches; the seed ClusterRole a Deployment GET per action and the pod cache', () => {
    expect(planPermissions(answersFor([...OPERATOR_CLUSTER_RULES], [...OPERATOR_NAMESPACE_RULES]), true)).toMatchObject({ deploymentSource: 'informer', podSource: 'informer' });
    const seed = planPermissions(answersFor(SEED_CLUSTER_RULES), true);
    expect(seed).toMatchObject({ deploymentSource: 'get', podSource: 'informer', fatal: [] });
    expect(seed.warnings).toContain('no list+watch on deployments: one Deployment GET per action instead of the Deployment cache');
    expect(seed.rows.find((r) => r.permission === 'get apps/deployments')).toMatchObject({ granted: 'yes', then: 'read target Deployments: one GET per action' });
  });
  test('reads: no watch on pods falls back to a LIST per action; neither list+watch nor get on deployments is fatal', () => {
    const noPodWatch = OPERATOR_CLUSTER_RULES.map((r) => (r.resources.includes('pods') && r.apiGroups.includes('') ? { ...r, verbs: r.verbs.filter((v) => v !== 'watch') } : r));
    const plan = planPermissions(answersFor(noPodWatch, [...OPERATOR_NAMESPACE_RULES]), true);
    expect(plan).toMatchObject({ podSource: 'list', deploymentSource: 'informer', fatal: [] });
    expect(plan.rows.find((r) => r.permission === 'watch core/pods')).toMatchObject({ granted: 'no', then: 'no pod cache: one LIST per action instead' });
    const noDeployments = OPERATOR_CLUSTER_RULES.filter((r) => !r.resources.includes('deployments'));
    expect(planPermissions(answersFor(noDeployments, [...OPERATOR_NAMESPACE_RULES]), true).fatal).toEqual([
      'missing RBAC rule {apiGroups: ["apps"], resources: ["deployments"], verbs: ["list"]}: cannot read target Deployments (neither list+watch nor get)',
    ]);
  });
  test('unknown answers (the probe failed) count as granted and say "unknown"', () => {
    const plan = planPermissions(checks.map((c) => ({ ...c, allowed: undefined, error: 'forbidden' })), true);
    expect(plan.fatal).toEqual([]);
    expect(plan.leaderElection).toBe(true);
    expect(plan.rows.every((r) => r.granted === 'unknown')).toBe(true);
  });
});

describe('disruptionBudgetRefusalOf', () => {
  const status = (code: number, body: unknown) => new ApiException(code, 'HTTP-Code: ' + code, JSON.stringify(body), {});
  test("reads the PDB's name from kube-apiserver's 429 (recorded body of test/fixtures/kube-apiserver-v1.28/pdb.json)", () => {
    const cause = 'The disruption budget web-pdb needs 1 healthy pods and has 1 currently';
    const body = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: "Cannot evict pod as it would violate the pod's disruption budget.", reason: 'TooManyRequests', details: { causes: [{ reason: 'DisruptionBudget', message: cause }] }, code: 429 };
    expect(disruptionBudgetRefusalOf(status(429, body))).toEqual({ message: cause, pdb: 'web-pdb' });
    const pending = { ...body, details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web-pdb is still being processed by the server.' }] } };
    expect(disruptionBudgetRefusalOf(status(429, pending))?.pdb).toBe('web-pdb');
  });
  test('a plain throttle 429, another status or a cause without a name is no refusal / no name', () => {
    expect(disruptionBudgetRefusalOf(status(429, { kind: 'Status', reason: 'TooManyRequests', code: 429 }))).toBeUndefined();
    expect(disruptionBudgetRefusalOf(status(500, { details: { causes: [{ reason: 'DisruptionBudget', message: 'x' }] } }))).toBeUndefined();
    expect(disruptionBudgetRefusalOf(status(429, { message: 'refused', details: { causes: [{ reason: 'DisruptionBudget' }] } }))).toEqual({ message: 'refused' });
  });
});

describe('describeApiError', () => {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'pods is forbidden: User "u" cannot list resource "pods"', reason: 'Forbidden', code: 403 });
  test('the Status message, reason and code, never the escaped body', () => {
    const raw = new ApiException(403, `HTTP-Code: 403\nMessage: Unknown API Status Code!\nBody: ${JSON.stringify(body)}`, body, {});
    expect(describeApiError(raw)).toEqual({ error: 'pods is forbidden: User "u" cannot list resource "pods"', reason: 'Forbidden', code: 403 });
    const translated = toChaosError(raw, 'list pods');
    expect(describeApiError(translated)).toEqual({ error: 'list pods: HTTP 403: pods is forbidden: User "u" cannot list resource "pods"', reason: 'Forbidden', code: 403 });
    expect(translated.retryable).toBe(true);
  });
  test('a watch failure (no body) still gets its code and reason', () => {
    expect(describeApiError(Object.assign(new Error('Forbidden'), { statusCode: 403 }))).toEqual({ error: 'Forbidden', reason: 'Forbidden', code: 403 });
  });
});

test('/health says down with the problems', () => {
  const body = healthBody({ rootNamespace: 'cm', behavior: 'AllowAll', logLevel: 'info', informers: 2, scheduledEntries: 0, problems: ['missing RBAC rule x'] });
  expect(body).toMatchObject({ status: 'down', problems: ['missing RBAC rule x'] });
  expect(healthBody({ rootNamespace: 'cm', behavior: 'AllowAll', logLevel: 'info', informers: 2, scheduledEntries: 0 }).status).toBe('up');
});
