/**
 * The real kubectl binary, run as a child process against startSandbox() over HTTPS (the kubeconfig written to a
 * temp file, a fresh discovery cache): get (tables, -A, -o json/yaml/name, -l, --field-selector, CRD printer
 * columns, events), apply (create, then a changed replica count through the last-applied annotation), create,
 * delete, patch (strategic, merge, json), scale, label, annotate, set image, rollout restart, edit, describe, explain, and ChaosMonkeyConfigurations in v1 and in
 * v1alpha1 (converted by the project's own ConversionReview handler behind a test HTTPS server).
 * Cluster state is checked over HTTP; kubectl's output and exit code are checked too.
 *
 * kubectl must be on PATH (or named by $KUBECTL): without it every test fails, it never passes silently.
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { SandboxServer, startSandbox } from '../../../sandbox/index.ts';
import type { Sandbox } from '../../../sandbox/index.ts';
import { generateServingCert } from '../../../sandbox/server/tls.ts';
import { handleConversionReview } from '../../../webhook/src/review.ts';
import { waitFor } from '../../support/wait-for.ts';
import { KUBECTL, kubectlFor } from '../../support/kubectl.ts';
import type { Run } from '../../support/kubectl.ts';

const CRD = 'chaosmonkeyconfigurations.cm.massix.github.io';
const CMC_V1 = '/apis/cm.massix.github.io/v1/namespaces/default/chaosmonkeyconfigurations';

/** A JSON answer from the sandbox. */
interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- assertions read arbitrary Kubernetes JSON
}

let sandbox: Sandbox;
let dir: string;
let kubeconfigFile: string;
let webhook: https.Server;

const k = kubectlFor(() => kubeconfigFile, () => join(dir, 'cache'));
const kubectl = (...args: string[]): Promise<Run> => k.run(args);
const kubectlWithEnv = (env: Record<string, string>, ...args: string[]): Promise<Run> => k.run(args, env);
const ok = k.ok;

/** Writes a manifest in the temp dir and returns its path. */
function manifest(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Calls the sandbox over HTTPS with its CA. */
function api(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(`${sandbox.url}${path}`, { method, ca: sandbox.caPem, headers: { 'content-type': contentType, accept: 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON (e.g. a text 404)
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function podNames(selector: string): Promise<string[]> {
  const list = await api('GET', `/api/v1/namespaces/default/pods?labelSelector=${encodeURIComponent(selector)}`);
  return (list.body.items as { metadata: { name: string; deletionTimestamp?: string } }[]).filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name);
}

function deployment(name: string, replicas: number, image = 'nginx:1.25'): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: default
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: main
        image: ${image}
`;
}

function cmcV1(name: string, maxReplicas: number, extra = ''): string {
  return `apiVersion: cm.massix.github.io/v1
kind: ChaosMonkeyConfiguration
metadata:
  name: ${name}
  namespace: default
spec:
  enabled: true
  minReplicas: 1
  maxReplicas: ${maxReplicas}
  scalingMode: randomScale
  deployment:
    name: web
  timeout: 30s
${extra}`;
}

/** Rows of a kubectl table as arrays of cells (split on runs of 2+ spaces). */
function rows(table: string): string[][] {
  return table.trim().split('\n').map((line) => line.trim().split(/\s{2,}/));
}

beforeAll(async () => {
  const probe = await new Promise<Run>((resolve) => execFile(KUBECTL, ['version', '--client'], { timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err ? -1 : 0, stdout, stderr: err ? err.message : stderr })));
  if (probe.code !== 0) {
    throw new Error(`kubectl is required by these tests and could not be run as "${KUBECTL}" (${probe.stderr.trim()}). Put kubectl on PATH (Debian: apt-get install kubernetes-client; .ci/run does it) or set KUBECTL=/path/to/kubectl.`);
  }
  // The CRD's conversion webhook: the project's own ConversionReview handler behind HTTPS.
  const cert = await generateServingCert(['chaos-monkey.chaosmonkey.svc']);
  webhook = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const outcome = handleConversionReview(JSON.parse(body));
      res.writeHead(outcome.httpStatus, { 'Content-Type': 'application/json' }).end(JSON.stringify(outcome.review));
    });
  });
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
  const port = (webhook.address() as AddressInfo).port;
  sandbox = await startSandbox({ crdFiles: ['crds/chaosmonkeyconfigurations.yaml'], serviceMap: { 'chaos-monkey.chaosmonkey.svc:443': `https://127.0.0.1:${port}` } });
  dir = mkdtempSync(join(tmpdir(), 'sandbox-kubectl-'));
  kubeconfigFile = join(dir, 'kubeconfig');
  await sandbox.writeKubeconfig(kubeconfigFile);
  // The committed CRD carries no caBundle (it is injected at run time): inject the test webhook's CA.
  const caBundle = Buffer.from(cert.caPem).toString('base64');
  await ok('patch', 'crd', CRD, '--type', 'merge', '-p', JSON.stringify({ spec: { conversion: { webhook: { clientConfig: { caBundle } } } } }));
}, 60_000);

afterAll(async () => {
  if (sandbox instanceof SandboxServer) await sandbox.shutdown();
  else await sandbox?.stop();
  if (webhook) {
    webhook.closeAllConnections();
    await new Promise((r) => webhook.close(r));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('kubectl against the sandbox', () => {
  test('get ns (table, -o json, -o yaml), label ns, get -l', async () => {
    const table = rows(await ok('get', 'ns'));
    expect(table[0]).toEqual(['NAME', 'STATUS', 'AGE']);
    expect(table.slice(1).map((r) => r.slice(0, 2))).toEqual(expect.arrayContaining([['default', 'Active'], ['kube-system', 'Active']]));

    expect(await ok('label', 'ns', 'default', 'team=chaos')).toBe('namespace/default labeled\n');
    expect((await api('GET', '/api/v1/namespaces/default')).body.metadata.labels).toMatchObject({ team: 'chaos' });

    expect(await ok('get', 'ns', '-l', 'team=chaos', '-o', 'name')).toBe('namespace/default\n');
    const json = JSON.parse(await ok('get', 'ns', 'default', '-o', 'json')) as { kind: string; metadata: { labels: Record<string, string> } };
    expect(json.kind).toBe('Namespace');
    expect(json.metadata.labels.team).toBe('chaos');
    const yaml = load(await ok('get', 'ns', '-o', 'yaml')) as { kind: string; items: { metadata: { name: string } }[] };
    expect(yaml.kind).toBe('List');
    expect(yaml.items.map((i) => i.metadata.name)).toEqual(expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease']));
  });

  test('apply -f creates a Deployment, a second apply changes replicas with a patch that keeps foreign fields, a third is unchanged', async () => {
    const file = manifest('web.yaml', deployment('web', 2));
    expect(await ok('apply', '-f', file)).toBe('deployment.apps/web created\n');
    const created = await api('GET', '/apis/apps/v1/namespaces/default/deployments/web');
    expect(created.body.spec.replicas).toBe(2);
    expect(JSON.parse(created.body.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'])).toMatchObject({ kind: 'Deployment', spec: { replicas: 2 } });
    await waitFor('2 web pods', async () => (await podNames('app=web')).length === 2);

    // A label set by someone else survives: client-side apply sends a three-way patch, not a replacement.
    expect((await api('PATCH', '/apis/apps/v1/namespaces/default/deployments/web', { metadata: { labels: { owner: 'other' } } }, 'application/merge-patch+json')).status).toBe(200);
    sandbox.clearRequests();
    writeFileSync(file, deployment('web', 3));
    expect(await ok('apply', '-f', file)).toBe('deployment.apps/web configured\n');
    const patched = await api('GET', '/apis/apps/v1/namespaces/default/deployments/web');
    expect(patched.body.spec.replicas).toBe(3);
    expect(patched.body.metadata.labels).toEqual({ owner: 'other' });
    expect(JSON.parse(patched.body.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).spec.replicas).toBe(3);
    expect(sandbox.requests().filter((r) => r.userAgent.startsWith('kubectl') && r.resource === 'deployments' && r.name === 'web').map((r) => `${r.verb} ${r.status}`)).toEqual(['get 200', 'patch 200']);
    await waitFor('3 web pods', async () => (await podNames('app=web')).length === 3);

    expect(await ok('apply', '-f', file)).toBe('deployment.apps/web unchanged\n');
  });

  test('get deploy and pods: table, -A, -l, --field-selector, -o json', async () => {
    await waitFor('web ready 3/3', async () => (await api('GET', '/apis/apps/v1/namespaces/default/deployments/web')).body.status?.readyReplicas === 3);
    const deploy = rows(await ok('get', 'deploy'));
    expect(deploy[0]).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    expect(deploy.find((r) => r[0] === 'web')?.slice(0, 4)).toEqual(['web', '3/3', '3', '3']);

    const all = rows(await ok('get', 'pods', '-A', '-l', 'app=web'));
    expect(all[0]).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(all.slice(1).map((r) => [r[0], r[2], r[3]])).toEqual([['default', '1/1', 'Running'], ['default', '1/1', 'Running'], ['default', '1/1', 'Running']]);

    const running = await ok('get', 'pods', '-l', 'app=web', '--field-selector', 'status.phase=Running', '-o', 'name');
    expect(running.trim().split('\n').sort()).toEqual((await podNames('app=web')).map((n) => `pod/${n}`).sort());
    const failed = await kubectl('get', 'pods', '-A', '--field-selector', 'status.phase=Failed');
    expect(failed).toMatchObject({ code: 0, stdout: '' });
    expect(failed.stderr).toContain('No resources found');

    const list = JSON.parse(await ok('get', 'pods', '-l', 'app=web', '-o', 'json')) as { kind: string; items: { kind: string; metadata: { ownerReferences: { kind: string; name: string }[] } }[] };
    expect(list.kind).toBe('List');
    expect(list.items).toHaveLength(3);
    expect(list.items.every((p) => p.kind === 'Pod' && p.metadata.ownerReferences[0]?.name === 'web')).toBe(true);
  });

  test('patch: strategic merge (default) merges containers by name, --type merge, --type json', async () => {
    const path = '/apis/apps/v1/namespaces/default/deployments/web';
    expect(await ok('patch', 'deploy', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"main","image":"nginx:1.26"}]}}}}')).toBe('deployment.apps/web patched\n');
    const smp = (await api('GET', path)).body;
    expect(smp.spec.template.spec.containers).toHaveLength(1);
    expect(smp.spec.template.spec.containers[0]).toMatchObject({ name: 'main', image: 'nginx:1.26', imagePullPolicy: 'IfNotPresent' });

    expect(await ok('patch', 'deploy', 'web', '--type', 'merge', '-p', '{"metadata":{"labels":{"tier":"frontend"}}}')).toBe('deployment.apps/web patched\n');
    expect((await api('GET', path)).body.metadata.labels).toEqual({ owner: 'other', tier: 'frontend' });

    expect(await ok('patch', 'deploy', 'web', '--type', 'json', '-p', '[{"op":"replace","path":"/spec/replicas","value":2}]')).toBe('deployment.apps/web patched\n');
    expect((await api('GET', path)).body.spec.replicas).toBe(2);
    await waitFor('2 web pods', async () => (await podNames('app=web')).length === 2);

    const bad = await kubectl('patch', 'deploy', 'web', '--type', 'json', '-p', '[{"op":"test","path":"/spec/replicas","value":9}]');
    expect(bad.code).not.toBe(0);
    expect((await api('GET', path)).body.spec.replicas).toBe(2);
  });

  test('scale deploy --replicas', async () => {
    expect(await ok('scale', 'deploy', 'web', '--replicas=4')).toBe('deployment.apps/web scaled\n');
    expect((await api('GET', '/apis/apps/v1/namespaces/default/deployments/web')).body.spec.replicas).toBe(4);
    await waitFor('4 web pods', async () => (await podNames('app=web')).length === 4);
  });

  test('set image, annotate, rollout restart, edit (strategic merge patches kubectl computes)', async () => {
    const path = '/apis/apps/v1/namespaces/default/deployments/web';
    expect(await ok('set', 'image', 'deploy/web', 'main=nginx:1.27')).toBe('deployment.apps/web image updated\n');
    expect(await ok('annotate', 'deploy', 'web', 'chaos/owner=team-a')).toMatch(/^deployment\.apps\/web annotated?\n$/); // kubectl 1.27 prints "annotate"
    expect(await ok('rollout', 'restart', 'deploy/web')).toBe('deployment.apps/web restarted\n');
    const editor = manifest('editor.sh', "#!/bin/sh\nsed -i 's/^  replicas: .*/  replicas: 3/' \"$1\"\n");
    chmodSync(editor, 0o755);
    const edited = await kubectlWithEnv({ EDITOR: editor, KUBE_EDITOR: editor }, 'edit', 'deploy', 'web');
    expect(edited).toMatchObject({ code: 0, stdout: 'deployment.apps/web edited\n' });
    const d = (await api('GET', path)).body;
    expect(d.spec.replicas).toBe(3);
    expect(d.spec.template.spec.containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`)).toEqual(['main=nginx:1.27']);
    expect(d.metadata.annotations['chaos/owner']).toBe('team-a');
    expect(d.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-\d\d-\d\dT/);
    await waitFor('3 web pods', async () => (await podNames('app=web')).length === 3);
  });

  test('create -f, then create again is AlreadyExists; delete pod', async () => {
    const file = manifest('solo.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: solo\n  labels: {app: solo}\nspec:\n  containers:\n  - name: main\n    image: busybox:1.36\n');
    expect(await ok('create', '-f', file)).toBe('pod/solo created\n');
    expect((await api('GET', '/api/v1/namespaces/default/pods/solo')).body.metadata.labels).toEqual({ app: 'solo' });
    const again = await kubectl('create', '-f', file);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/AlreadyExists.*"solo" already exists/);

    expect(await ok('delete', 'pod', 'solo')).toBe('pod "solo" deleted\n');
    expect((await api('GET', '/api/v1/namespaces/default/pods/solo')).status).toBe(404);
  });

  test('create pdb, get pdb shows kube\'s PodDisruptionBudget columns, delete pdb', async () => {
    expect(await ok('create', 'pdb', 'web-pdb', '--selector=app=web', '--min-available=1')).toBe('poddisruptionbudget.policy/web-pdb created\n');
    const path = '/apis/policy/v1/namespaces/default/poddisruptionbudgets/web-pdb';
    await waitFor('web-pdb status computed', async () => (await api('GET', path)).body.status?.observedGeneration === 1);
    const pdb = (await api('GET', path)).body;
    expect(pdb.spec).toEqual({ minAvailable: 1, selector: { matchLabels: { app: 'web' } } });
    const table = rows(await ok('get', 'pdb'));
    expect(table[0]).toEqual(['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE']);
    expect(table[1]?.slice(0, 4)).toEqual(['web-pdb', '1', 'N/A', String(Math.max(0, pdb.status.currentHealthy - 1))]);
    expect(pdb.status.currentHealthy).toBeGreaterThan(0);
    expect(await ok('delete', 'pdb', 'web-pdb')).toBe('poddisruptionbudget.policy "web-pdb" deleted\n');
    expect((await api('GET', path)).status).toBe(404);
  });

  test('apply -f of a v1 ChaosMonkeyConfiguration; get cmc shows the printer columns; describe; explain; unknown fields are rejected', async () => {
    const file = manifest('cmc-v1.yaml', cmcV1('web-chaos', 3));
    expect(await ok('apply', '-f', file)).toBe('chaosmonkeyconfiguration.cm.massix.github.io/web-chaos created\n');
    expect((await api('GET', `${CMC_V1}/web-chaos`)).body.spec).toMatchObject({ maxReplicas: 3, scalingMode: 'randomScale', deployment: { name: 'web' } });

    writeFileSync(file, cmcV1('web-chaos', 5));
    expect(await ok('apply', '-f', file)).toBe('chaosmonkeyconfiguration.cm.massix.github.io/web-chaos configured\n');
    expect((await api('GET', `${CMC_V1}/web-chaos`)).body.spec.maxReplicas).toBe(5);

    const table = rows(await ok('get', 'cmc'));
    expect(table[0]).toEqual(['NAME', 'ENABLED', 'SCALING MODE', 'TARGET DEPLOYMENT', 'MIN REPLICAS', 'MAX REPLICAS', 'TIMEOUT', 'READY', 'BLOCKED', 'NEXT ACTION', 'AGE']);
    expect(table.find((r) => r[0] === 'web-chaos')?.slice(0, 7)).toEqual(['web-chaos', 'true', 'randomScale', 'web', '1', '5', '30s']);

    // The Blocked column shows why a CMC does not act (issue 11), as the operator writes it.
    const t = '2026-01-02T03:04:05Z';
    const status = { conditions: [
      { type: 'Ready', status: 'False', reason: 'Paused', message: 'paused', lastTransitionTime: t },
      { type: 'Blocked', status: 'True', reason: 'Paused', message: 'all chaos paused', lastTransitionTime: t },
    ] };
    const patched = await api('PATCH', `${CMC_V1}/web-chaos/status`, { status }, 'application/merge-patch+json');
    expect(patched.status).toBe(200);
    const blocked = rows(await ok('get', 'cmc', 'web-chaos'));
    expect(blocked[1]?.slice(7, 9)).toEqual(['False', 'Paused']);

    const described = await ok('describe', 'cmc', 'web-chaos');
    expect(described).toMatch(/^Name:\s+web-chaos$/m);
    expect(described).toMatch(/^Kind:\s+ChaosMonkeyConfiguration$/m);
    expect(described).toMatch(/Max Replicas:\s+5/);

    // kubectl < 1.27 reads /openapi/v2 definitions, later ones /openapi/v3 components.
    const explained = await ok('explain', 'cmc.spec');
    expect(explained).toContain('ChaosMonkeyConfiguration');
    expect(explained).toMatch(/scalingMode\s+<string>\s+-required-/);

    // kubectl validates client-side (old kubectl, from /openapi/v2) or asks the server (fieldValidation=Strict).
    const bad = await kubectl('apply', '-f', manifest('cmc-bad.yaml', cmcV1('bad-chaos', 3, '  bogus: 1\n')));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unknown field "(spec\.)?bogus"/);
    expect((await api('GET', `${CMC_V1}/bad-chaos`)).status).toBe(404);
  });

  test('apply -f of a v1alpha1 ChaosMonkeyConfiguration goes through the conversion webhook and is stored as v1', async () => {
    const v1alpha1 = (maxReplicas: number): string => `apiVersion: cm.massix.github.io/v1alpha1
kind: ChaosMonkeyConfiguration
metadata:
  name: old-chaos
  namespace: default
spec:
  enabled: true
  minReplicas: 1
  maxReplicas: ${maxReplicas}
  deploymentName: web
  podMode: true
  timeout: 1m
`;
    const file = manifest('cmc-v1alpha1.yaml', v1alpha1(2));
    const created = await kubectl('apply', '-f', file);
    expect(created).toMatchObject({ code: 0, stdout: 'chaosmonkeyconfiguration.cm.massix.github.io/old-chaos created\n' });
    expect(created.stderr).toContain('cm.massix.github.io/v1alpha1 is now deprecated');
    expect((await api('GET', `${CMC_V1}/old-chaos`)).body).toMatchObject({ apiVersion: 'cm.massix.github.io/v1', spec: { scalingMode: 'killPod', deployment: { name: 'web' }, maxReplicas: 2, timeout: '1m' } });

    writeFileSync(file, v1alpha1(4));
    expect((await kubectl('apply', '-f', file)).stdout).toBe('chaosmonkeyconfiguration.cm.massix.github.io/old-chaos configured\n');
    expect((await api('GET', `${CMC_V1}/old-chaos`)).body.spec.maxReplicas).toBe(4);
    const alpha = JSON.parse(await ok('get', 'chaosmonkeyconfigurations.v1alpha1.cm.massix.github.io', 'old-chaos', '-o', 'json')) as { apiVersion: string; spec: Record<string, unknown> };
    expect(alpha).toMatchObject({ apiVersion: 'cm.massix.github.io/v1alpha1', spec: { deploymentName: 'web', podMode: true, maxReplicas: 4 } });
  });

  test('get events shows kube\'s Event columns', async () => {
    const event = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'web.chaos1' }, involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'default' }, reason: 'ChaosScaled', message: 'scaled web to 2 replicas', type: 'Normal', source: { component: 'chaos-monkey' }, count: 3 };
    expect((await api('POST', '/api/v1/namespaces/default/events', event)).status).toBe(201);
    const table = rows(await ok('get', 'events'));
    expect(table[0]).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    expect(table.find((r) => r[2] === 'ChaosScaled')?.slice(1)).toEqual(['Normal', 'ChaosScaled', 'deployment/web', 'scaled web to 2 replicas']);
    const wide = rows(await ok('get', 'events', '-o', 'wide'));
    expect(wide[0]).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'SUBOBJECT', 'SOURCE', 'MESSAGE', 'FIRST SEEN', 'COUNT', 'NAME']);
  });

  test('delete -f removes the Deployment and its pods; delete of a custom resource', async () => {
    expect(await ok('delete', '-f', join(dir, 'cmc-v1.yaml'))).toBe('chaosmonkeyconfiguration.cm.massix.github.io "web-chaos" deleted\n');
    expect((await api('GET', `${CMC_V1}/web-chaos`)).status).toBe(404);
    expect(await ok('delete', '-f', join(dir, 'web.yaml'))).toBe('deployment.apps "web" deleted\n');
    expect((await api('GET', '/apis/apps/v1/namespaces/default/deployments/web')).status).toBe(404);
    await waitFor('web pods gone', async () => (await podNames('app=web')).length === 0);
    const missing = await kubectl('delete', 'deploy', 'web');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/NotFound.*"web" not found/);
  });
});
