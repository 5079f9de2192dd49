/**
 * End to end: sandbox (kube-apiserver stand-in) -> ConversionReview over real HTTPS -> webhook, with
 * self-managed certificates (the webhook stores its CA and serving cert in the Secret and injects the
 * caBundle into the CRD; the sandbox trusts only that caBundle and verifies the Service DNS name).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { freePort } from '../../support/free-port.ts';
import { X509Certificate } from 'node:crypto';
import { load } from 'js-yaml';
import { startSandbox } from '../../../sandbox/index.ts';
import type { Sandbox } from '../../../sandbox/index.ts';
import { startWebhook } from '../../../webhook/src/index.ts';
import type { RunningWebhook } from '../../../webhook/src/index.ts';
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { connectWebhookKube, errorText, statusOf } from '../../../webhook/src/kube.ts';
import type { KubeConnection, WebhookKube } from '../../../webhook/src/kube.ts';
import { createWebhookLogger } from '../../../webhook/src/log.ts';
import { bundleFromSecret } from '../../../webhook/src/certs.ts';
import { waitFor } from '../../support/wait-for.ts';
import { parseCmcV1 } from '../../../api/validate.ts';

const NS = 'conv';
const CRD_NAME = 'chaosmonkeyconfigurations.cm.massix.github.io';
type Version = 'v1' | 'v1alpha1';
const at = (version: Version) => ({ group: 'cm.massix.github.io', version, namespace: NS, plural: 'chaosmonkeyconfigurations' });

let sandbox: Sandbox;
let webhook: RunningWebhook | undefined;
let port: number;
let kube: KubeConnection;
let client: WebhookKube;
let cmcs: CustomObjectsApi;

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- API answers walked by path in assertions

const start = (): Promise<RunningWebhook> => startWebhook({
  port, host: '127.0.0.1', selfManaged: { namespace: 'chaosmonkey', kube }, logger: createWebhookLogger({ silent: true }),
});
const getCmc = (version: Version, name: string): Promise<Obj> => cmcs.getNamespacedCustomObject({ ...at(version), name }) as Promise<Obj>;
const listCmcs = (version: Version): Promise<Obj> => cmcs.listNamespacedCustomObject(at(version)) as Promise<Obj>;
const errorOf = async (p: Promise<unknown>): Promise<{ status: number | undefined; message: string }> => {
  try {
    await p;
  } catch (err) {
    if (statusOf(err) !== undefined) return { status: statusOf(err), message: errorText(err) };
    throw err;
  }
  throw new Error('expected the request to fail');
};

beforeAll(async () => {
  port = await freePort();
  sandbox = await startSandbox({
    crdFiles: [new URL('../../../crds/chaosmonkeyconfigurations.yaml', import.meta.url).pathname],
    serviceMap: { 'chaos-monkey.chaosmonkey.svc:443': `https://127.0.0.1:${port}` },
  });
  const config = load(sandbox.kubeconfig) as { users: { user: { token: string } }[] };
  kube = { server: sandbox.url, caPem: sandbox.caPem, token: config.users[0]!.user.token };
  client = connectWebhookKube(kube, { userAgent: 'chaos-monkey-tests' });
  const kc = new KubeConfig();
  kc.loadFromString(sandbox.kubeconfig);
  cmcs = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  for (const name of ['chaosmonkey', NS]) await core.createNamespace({ body: { metadata: { name } } });
  webhook = await start();
});

afterAll(async () => {
  await webhook?.stop();
  await sandbox?.stop();
});

describe('conversion through the sandbox and the webhook over HTTPS', () => {
  test('self-managed mode stored the certificate in the Secret and injected the caBundle', async () => {
    const secret = await client.core.readNamespacedSecret({ namespace: 'chaosmonkey', name: 'chaos-monkey-tls' });
    const bundle = bundleFromSecret(secret);
    expect(bundle).toBeDefined();
    expect(new X509Certificate(bundle!.certPem).checkHost('chaos-monkey.chaosmonkey.svc')).toBe('chaos-monkey.chaosmonkey.svc');
    const crd = await client.crds.readCustomResourceDefinition({ name: CRD_NAME });
    expect(Buffer.from(crd.spec.conversion?.webhook?.clientConfig?.caBundle ?? '', 'base64').toString('utf8')).toBe(bundle!.caBundlePem);
    expect(webhook!.caPem).toBe(bundle!.caBundlePem);
  });

  test('a CMC created as v1alpha1 (defaults applied) reads back as v1', async () => {
    await cmcs.createNamespacedCustomObject({ ...at('v1alpha1'), body: { apiVersion: 'cm.massix.github.io/v1alpha1', kind: 'ChaosMonkeyConfiguration', metadata: { name: 'from-alpha', labels: { team: 'a' } }, spec: { deploymentName: 'web', podMode: false } } });
    const v1 = await getCmc('v1', 'from-alpha');
    expect(v1.apiVersion).toBe('cm.massix.github.io/v1');
    expect(v1.spec).toEqual({ enabled: true, minReplicas: 0, maxReplicas: 5, scalingMode: 'randomScale', deployment: { name: 'web' }, timeout: '30s' });
    expect(v1.metadata.labels).toEqual({ team: 'a' });
    const alpha = await getCmc('v1alpha1', 'from-alpha');
    expect(alpha.spec).toEqual({ enabled: true, minReplicas: 0, maxReplicas: 5, deploymentName: 'web', podMode: false, timeout: '30s' });
    expect(alpha.metadata.uid).toBe(v1.metadata.uid);
  });

  test('a v1 antiPressure CMC reads as v1alpha1 and survives an update through v1alpha1', async () => {
    await cmcs.createNamespacedCustomObject({ ...at('v1'), body: { apiVersion: 'cm.massix.github.io/v1', kind: 'ChaosMonkeyConfiguration', metadata: { name: 'from-v1' }, spec: { enabled: true, minReplicas: 1, maxReplicas: 4, scalingMode: 'antiPressure', deployment: { name: 'api' }, timeout: '1m30s' } } });
    const alpha = await getCmc('v1alpha1', 'from-v1');
    expect(alpha.spec).toEqual({ enabled: true, minReplicas: 1, maxReplicas: 4, deploymentName: 'api', podMode: false, timeout: '1m30s' });
    expect(alpha.metadata.annotations).toEqual({ 'cm.massix.github.io/v1-scaling-mode': 'antiPressure' });
    // Update through the deprecated version: the mode v1alpha1 cannot express is kept.
    await cmcs.replaceNamespacedCustomObject({ ...at('v1alpha1'), name: 'from-v1', body: { ...alpha, spec: { ...alpha.spec, maxReplicas: 6 } } });
    const v1 = await getCmc('v1', 'from-v1');
    expect(v1.spec).toMatchObject({ scalingMode: 'antiPressure', maxReplicas: 6, timeout: '1m30s' });
    expect(v1.metadata.annotations).toBeUndefined();
  });

  test('lists of mixed objects convert both ways', async () => {
    const v1List = await listCmcs('v1');
    const alphaList = await listCmcs('v1alpha1');
    const names = (l: Obj): string[] => l.items.map((i: Obj) => i.metadata.name).sort();
    expect(names(v1List)).toEqual(['from-alpha', 'from-v1']);
    expect(names(alphaList)).toEqual(['from-alpha', 'from-v1']);
    expect(v1List.items.every((i: Obj) => i.apiVersion === 'cm.massix.github.io/v1' && typeof i.spec.scalingMode === 'string')).toBe(true);
    expect(alphaList.items.every((i: Obj) => i.apiVersion === 'cm.massix.github.io/v1alpha1' && typeof i.spec.podMode === 'boolean')).toBe(true);
  });

  test('with the webhook stopped, reads of the other version fail clearly; they recover after a restart', async () => {
    await webhook!.stop();
    webhook = undefined;
    const failed = await errorOf(getCmc('v1alpha1', 'from-v1'));
    expect(failed.status).toBe(500);
    expect(failed.message).toMatch(/conversion webhook for cm\.massix\.github\.io\/v1, Kind=ChaosMonkeyConfiguration failed: Post "https:\/\/chaos-monkey\.chaosmonkey\.svc:443\/convertcrd\?timeout=30s": .*connection refused/);
    // The storage version needs no webhook.
    expect((await getCmc('v1', 'from-v1')).spec.scalingMode).toBe('antiPressure');
    webhook = await start();
    await waitFor('v1alpha1 reads to recover', async () => (await getCmc('v1alpha1', 'from-v1')).spec.podMode === false, 10_000, 20);
    const recovered = await listCmcs('v1alpha1');
    expect(recovered.items).toHaveLength(2);
  });

  test('validation of the CRD rejects a bad timeout and min > max with the seed message', async () => {
    const bad = await errorOf(cmcs.createNamespacedCustomObject({ ...at('v1'), body: { apiVersion: 'cm.massix.github.io/v1', kind: 'ChaosMonkeyConfiguration', metadata: { name: 'bad' }, spec: { enabled: true, minReplicas: 5, maxReplicas: 1, scalingMode: 'killPod', deployment: { name: 'x' }, timeout: '500ms' } } }));
    expect(bad.status).toBe(422);
    expect(bad.message).toContain('minReplicas must be less than or equal to maxReplicas');
    expect(bad.message).toContain('timeout must be at least 1s');
  });

  test('issue 11 fields survive an update through v1alpha1 (kept in cm.massix.github.io/v1-guardrails)', async () => {
    const guardrails = { dryRun: true, killMethod: 'evict', gracePeriodSeconds: 20, guard: { minAvailable: '50%', skipDuringRollout: true, minPodAge: '2m' } };
    await cmcs.createNamespacedCustomObject({ ...at('v1'), body: { apiVersion: 'cm.massix.github.io/v1', kind: 'ChaosMonkeyConfiguration', metadata: { name: 'guarded' }, spec: { enabled: true, minReplicas: 1, maxReplicas: 4, scalingMode: 'killPod', deployment: { name: 'api' }, timeout: '1m', ...guardrails } } });
    const alpha = await getCmc('v1alpha1', 'guarded');
    expect(alpha.spec).toEqual({ enabled: true, minReplicas: 1, maxReplicas: 4, deploymentName: 'api', podMode: true, timeout: '1m' });
    expect(JSON.parse(alpha.metadata.annotations['cm.massix.github.io/v1-guardrails'])).toEqual(guardrails);
    await cmcs.replaceNamespacedCustomObject({ ...at('v1alpha1'), name: 'guarded', body: { ...alpha, spec: { ...alpha.spec, maxReplicas: 6 } } });
    const v1 = await getCmc('v1', 'guarded');
    expect(v1.spec).toEqual({ enabled: true, minReplicas: 1, maxReplicas: 6, scalingMode: 'killPod', deployment: { name: 'api' }, timeout: '1m', ...guardrails });
    expect(v1.metadata.annotations).toBeUndefined();
  });

  test.each([
    [{ killMethod: 'shoot' }, 'spec.killMethod: Unsupported value: "shoot": supported values: "delete", "evict"'],
    [{ gracePeriodSeconds: -1 }, 'spec.gracePeriodSeconds: Invalid value: -1: spec.gracePeriodSeconds in body should be greater than or equal to 0'],
    [{ guard: { minAvailable: '120%' } }, "spec.guard.minAvailable: Invalid value: \"120%\": spec.guard.minAvailable in body should match '^([0-9]|[1-9][0-9]|100)%$'"],
    [{ guard: { minAvailable: -2 } }, 'spec.guard.minAvailable: Invalid value: -2: spec.guard.minAvailable in body should be greater than or equal to 0'],
    [{ guard: { minPodAge: '-5s' } }, 'spec.guard.minPodAge: Invalid value: "string": minPodAge must be a Go duration such as 30s or 5m, not negative'],
    [{ dryRun: 'yes' }, 'spec.dryRun: Invalid value: "string": spec.dryRun in body must be of type boolean: "string"'],
  ])('the CRD rejects %j: %s', async (fields, message) => {
    const body = { apiVersion: 'cm.massix.github.io/v1', kind: 'ChaosMonkeyConfiguration', metadata: { name: 'bad-guard' }, spec: { enabled: true, minReplicas: 0, maxReplicas: 1, scalingMode: 'killPod', deployment: { name: 'x' }, timeout: '1m', ...fields } };
    const bad = await errorOf(cmcs.createNamespacedCustomObject({ ...at('v1'), body }));
    expect(bad.status).toBe(422);
    expect(bad.message).toContain(message);
  });

  test('issue 12 fields survive an update through v1alpha1', async () => {
    const targeting = { selection: { mode: 'fixed', value: 2 }, podSelector: { matchLabels: { tier: 'canary' }, matchExpressions: [{ key: 'track', operator: 'Exists' }] } };
    await cmcs.createNamespacedCustomObject({ ...at('v1'), body: { apiVersion: 'cm.massix.github.io/v1', kind: 'ChaosMonkeyConfiguration', metadata: { name: 'targeted' }, spec: { enabled: true, minReplicas: 1, maxReplicas: 4, scalingMode: 'killPod', deployment: { name: 'api' }, timeout: '1m', ...targeting } } });
    const alpha = await getCmc('v1alpha1', 'targeted');
    expect(JSON.parse(alpha.metadata.annotations['cm.massix.github.io/v1-guardrails'])).toEqual(targeting);
    await cmcs.replaceNamespacedCustomObject({ ...at('v1alpha1'), name: 'targeted', body: { ...alpha, spec: { ...alpha.spec, maxReplicas: 6 } } });
    const v1 = await getCmc('v1', 'targeted');
    expect(v1.spec).toEqual({ enabled: true, minReplicas: 1, maxReplicas: 6, scalingMode: 'killPod', deployment: { name: 'api' }, timeout: '1m', ...targeting });
  });

  const targetingBody = (name: string, fields: Record<string, unknown>): Record<string, unknown> => ({
    apiVersion: 'cm.massix.github.io/v1', kind: 'ChaosMonkeyConfiguration', metadata: { name }, spec: { enabled: true, minReplicas: 0, maxReplicas: 1, scalingMode: 'killPod', deployment: { name: 'x' }, timeout: '1m', ...fields },
  });

  test.each([
    [{ selection: { mode: 'fixed' } }, 'spec.selection: Invalid value: "object": value is required when mode is fixed, fixed-percent or random-max-percent'],
    [{ selection: { mode: 'all', value: 2 } }, 'spec.selection: Invalid value: "object": value is not allowed when mode is one or all'],
    [{ selection: { value: 2 } }, 'spec.selection: Invalid value: "object": value is not allowed when mode is one or all'],
    [{ selection: { mode: 'fixed', value: 0 } }, 'spec.selection: Invalid value: "object": value must be at least 1 when mode is fixed'],
    [{ selection: { mode: 'fixed-percent', value: 101 } }, 'spec.selection: Invalid value: "object": value must be a percentage from 1 to 100 when mode is fixed-percent or random-max-percent'],
    [{ selection: { mode: 'random-max-percent', value: 0 } }, 'spec.selection: Invalid value: "object": value must be a percentage from 1 to 100 when mode is fixed-percent or random-max-percent'],
    [{ selection: { mode: 'some' } }, 'spec.selection.mode: Unsupported value: "some": supported values: "one", "fixed", "fixed-percent", "random-max-percent", "all"'],
    [{ scalingMode: 'antiPressure', selection: { mode: 'all' } }, 'spec: Invalid value: "object": selection applies to scalingMode killPod only'],
    [{ scalingMode: 'randomScale', podSelector: { matchLabels: { a: 'b' } } }, 'spec: Invalid value: "object": podSelector applies to scalingMode killPod and antiPressure only'],
    [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'In' }] } }, 'spec.podSelector.matchExpressions[0]: Invalid value: "object": values must be specified when operator is In or NotIn'],
    [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: [] }] } }, 'spec.podSelector.matchExpressions[0]: Invalid value: "object": values must be specified when operator is In or NotIn'],
    [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist', values: ['a'] }] } }, 'spec.podSelector.matchExpressions[0]: Invalid value: "object": values may not be specified when operator is Exists or DoesNotExist'],
    [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'Gt', values: ['1'] }] } }, 'spec.podSelector.matchExpressions[0].operator: Unsupported value: "Gt"'],
    [{ podSelector: { matchExpressions: [{ key: '-tier', operator: 'Exists' }] } }, 'spec.podSelector.matchExpressions[0].key: Invalid value: "-tier": spec.podSelector.matchExpressions[0].key in body should match'],
    [{ podSelector: { matchLabels: { tier: 'has space' } } }, 'spec.podSelector.matchLabels.tier: Invalid value: "has space": spec.podSelector.matchLabels.tier in body should match'],
    [{ podSelector: { matchExpressions: Array.from({ length: 33 }, () => ({ key: 'x', operator: 'Exists' })) } }, 'spec.podSelector.matchExpressions: Too many: 33: must have at most 32 items'],
  ])('the CRD rejects %j (and so does the operator): %s', async (fields, message) => {
    const bad = await errorOf(cmcs.createNamespacedCustomObject({ ...at('v1'), body: targetingBody('bad-target', fields) }));
    expect(bad.status).toBe(422);
    expect(bad.message).toContain(message);
    expect(parseCmcV1(targetingBody('bad-target', fields)).errors).not.toEqual([]);
  });

  test.each([
    [{ selection: { mode: 'one' } }],
    [{ selection: { mode: 'fixed', value: 3 } }],
    [{ selection: { mode: 'fixed-percent', value: 100 } }],
    [{ selection: { mode: 'random-max-percent', value: 1 } }],
    [{ selection: { mode: 'all' } }],
    [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web', tier: '' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['a'] }, { key: 'x', operator: 'Exists' }] } }],
    [{ scalingMode: 'antiPressure', podSelector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] } }],
  ])('the CRD and the operator accept %j', async (fields) => {
    const name = `ok-${Math.abs(JSON.stringify(fields).split('').reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7))}`;
    await cmcs.createNamespacedCustomObject({ ...at('v1'), body: targetingBody(name, fields) });
    expect((await getCmc('v1', name)).spec).toMatchObject(fields);
    expect(parseCmcV1(targetingBody(name, fields)).errors).toEqual([]);
  });

  test('a cron-only v1 CMC (issue 12) round-trips through a v1alpha1 update: no timeout appears, the schedule comes back', async () => {
    const schedule = { cron: '0 2 * * 1-5', timeZone: 'Europe/Rome', excludedDays: ['Dec 24'] };
    await cmcs.createNamespacedCustomObject({ ...at('v1'), body: { apiVersion: 'cm.massix.github.io/v1', kind: 'ChaosMonkeyConfiguration', metadata: { name: 'nightly' }, spec: { enabled: true, minReplicas: 1, maxReplicas: 4, scalingMode: 'killPod', deployment: { name: 'api' }, schedule } } });
    const alpha = await getCmc('v1alpha1', 'nightly');
    expect(alpha.spec).toEqual({ enabled: true, minReplicas: 1, maxReplicas: 4, deploymentName: 'api', podMode: true });
    expect(JSON.parse(alpha.metadata.annotations['cm.massix.github.io/v1-guardrails'])).toEqual({ schedule });
    // The v1alpha1 request is defaulted (timeout: 30s) like kube-apiserver does; the conversion drops it again.
    await cmcs.replaceNamespacedCustomObject({ ...at('v1alpha1'), name: 'nightly', body: { ...alpha, spec: { ...alpha.spec, maxReplicas: 6 } } });
    const v1 = await getCmc('v1', 'nightly');
    expect(v1.spec).toEqual({ enabled: true, minReplicas: 1, maxReplicas: 6, scalingMode: 'killPod', deployment: { name: 'api' }, schedule });
    expect(v1.metadata.annotations).toBeUndefined();
  });

  test.each([
    [{ timeout: '1m', schedule: { cron: '0 2 * * *' } }, 'spec: Invalid value: "object": exactly one of timeout and schedule.cron must be set'],
    [{ schedule: { timeZone: 'UTC' } }, 'spec: Invalid value: "object": exactly one of timeout and schedule.cron must be set'],
    [{ timeout: '1m', schedule: { excludedTimesOfDay: ['18:00-8:30'] } }, 'spec.schedule.excludedTimesOfDay[0]: Invalid value: "18:00-8:30": spec.schedule.excludedTimesOfDay[0] in body should match'],
    [{ timeout: '1m', schedule: { excludedWeekdays: ['Saturday'] } }, 'spec.schedule.excludedWeekdays[0]: Unsupported value: "Saturday": supported values: "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"'],
  ])('the CRD rejects the schedule %j: %s', async (fields, message) => {
    const body = { apiVersion: 'cm.massix.github.io/v1', kind: 'ChaosMonkeyConfiguration', metadata: { name: 'bad-schedule' }, spec: { enabled: true, minReplicas: 0, maxReplicas: 1, scalingMode: 'killPod', deployment: { name: 'x' }, ...fields } };
    const bad = await errorOf(cmcs.createNamespacedCustomObject({ ...at('v1'), body }));
    expect(bad.status).toBe(422);
    expect(bad.message).toContain(message);
  });
});
