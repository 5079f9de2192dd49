/**
 * charts/chaos-monkey rendered with default values and with every option on: every document parses,
 * has the shape Kubernetes expects, and keeps the invariants the issue asks for (hardened pods,
 * Service chaos-monkey 443 -> 9443, probes, env from values, copies in sync with their sources).
 */
import { describe, expect, test, beforeAll } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { CHART_DIR, REPO_ROOT, RELEASE, field, findOne, renderChart, renderObjects } from './support/render.ts';
import type { K8sObject } from './support/render.ts';
import { shapeErrors } from './support/shapes.ts';

const ALL_ON = [
  'crds.managed=true',
  'certificates.mode=cert-manager',
  'serviceMonitor.enabled=true',
  'dashboard.enabled=true',
  'networkPolicy.enabled=true',
];
const ALL_ON_NAMESPACE = 'chaos-system';
const OPERATOR = `${RELEASE}-chaos-monkey-operator`;
const WEBHOOK = `${RELEASE}-chaos-monkey-webhook`;

let defaults: K8sObject[];
let allOn: K8sObject[];

beforeAll(() => {
  defaults = renderObjects();
  allOn = renderObjects({ namespace: ALL_ON_NAMESPACE, set: ALL_ON, apiVersions: ['monitoring.coreos.com/v1'] });
}, 240_000);

const kinds = (objects: K8sObject[]): string[] => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();

interface Container {
  name: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  livenessProbe?: { httpGet?: { path: string; port: string | number; scheme?: string } };
  readinessProbe?: { httpGet?: { path: string; port: string | number; scheme?: string } };
}

function podSpec(d: K8sObject): Record<string, unknown> {
  return field(d, 'spec.template.spec') as Record<string, unknown>;
}
function container(d: K8sObject): Container {
  const cs = field(d, 'spec.template.spec.containers') as Container[];
  expect(cs).toHaveLength(1);
  return cs[0] as Container;
}
function envOf(c: Container): Record<string, string | undefined> {
  return Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
}

describe('Chart.yaml and the copies kept in sync', () => {
  const chart = load(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };

  test('apiVersion v2, appVersion equals package.json version', () => {
    expect(chart.apiVersion).toBe('v2');
    expect(chart.name).toBe('chaos-monkey');
    expect(chart.appVersion).toBe(pkg.version);
  });

  test("the chart's crds/ file is byte-identical to the repository's crds/", () => {
    const top = readFileSync(join(REPO_ROOT, 'crds', 'chaosmonkeyconfigurations.yaml'), 'utf8');
    expect(readFileSync(join(CHART_DIR, 'crds', 'chaosmonkeyconfigurations.yaml'), 'utf8')).toBe(top);
  });

  test("the chart's dashboard is byte-identical to dashboards/chaos-monkey.json", () => {
    const top = readFileSync(join(REPO_ROOT, 'dashboards', 'chaos-monkey.json'), 'utf8');
    expect(readFileSync(join(CHART_DIR, 'dashboards', 'chaos-monkey.json'), 'utf8')).toBe(top);
  });

  test('--include-crds prints the CRD first, unrendered', () => {
    const r = renderChart({ includeCrds: true });
    expect(r.status).toBe(0);
    const first = (load(r.stdout.split(/^---$/m)[1] ?? '') as K8sObject);
    expect(first.kind).toBe('CustomResourceDefinition');
    expect(field(first, 'spec.conversion.webhook.clientConfig.service')).toEqual({ name: 'chaos-monkey', namespace: 'chaosmonkey', port: 443, path: '/convertcrd' });
  });
});

describe.each([
  ['default values', () => defaults, 'chaosmonkey'],
  ['every option on', () => allOn, ALL_ON_NAMESPACE],
])('%s', (_name, objects, namespace) => {
  test('every document has the shape of its kind', () => {
    const list = objects();
    expect(list.length).toBeGreaterThan(10);
    expect(list.flatMap((o) => shapeErrors(o, namespace))).toEqual([]);
  });

  test('no two objects share kind and name', () => {
    const ids = kinds(objects());
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('both Deployments are hardened: non-root numeric user, read-only root, no capabilities, seccomp, limits', () => {
    const deployments = objects().filter((o) => o.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([OPERATOR, WEBHOOK]);
    for (const d of deployments) {
      const pod = podSpec(d);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(typeof field(pod, 'securityContext.runAsUser')).toBe('number');
      expect(field(pod, 'securityContext.runAsUser')).not.toBe(0);
      const c = container(d);
      expect(c.securityContext).toMatchObject({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        privileged: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(field(c, 'securityContext.capabilities.add')).toBeUndefined();
      for (const kind of ['requests', 'limits'] as const) {
        expect(c.resources?.[kind]).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      }
      expect(pod.hostNetwork).toBeUndefined();
      expect(pod.hostPID).toBeUndefined();
    }
  });

  test('Service chaos-monkey maps 443 to 9443 and selects exactly the webhook pods', () => {
    const svc = findOne(objects(), 'Service', 'chaos-monkey');
    expect(field(svc, 'spec.ports')).toEqual([{ name: 'https', port: 443, targetPort: 9443, protocol: 'TCP' }]);
    const webhook = findOne(objects(), 'Deployment', WEBHOOK);
    const podLabels = field(webhook, 'spec.template.metadata.labels') as Record<string, string>;
    const selector = field(svc, 'spec.selector') as Record<string, string>;
    expect(podLabels).toMatchObject(selector);
    const operatorLabels = field(findOne(objects(), 'Deployment', OPERATOR), 'spec.template.metadata.labels') as Record<string, string>;
    expect(Object.entries(selector).every(([k, v]) => operatorLabels[k] === v)).toBe(false);
    expect(container(webhook).ports).toEqual([{ name: 'https', containerPort: 9443, protocol: 'TCP' }]);
  });

  test('operator: port 9000 named metrics, /livez and /readyz probes, its own service account with a token', () => {
    const d = findOne(objects(), 'Deployment', OPERATOR);
    const c = container(d);
    expect(c.ports).toEqual([{ name: 'metrics', containerPort: 9000, protocol: 'TCP' }]);
    expect(c.livenessProbe?.httpGet).toEqual({ path: '/livez', port: 'metrics' });
    expect(c.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(podSpec(d).serviceAccountName).toBe(OPERATOR);
    expect(podSpec(d).automountServiceAccountToken).toBe(true);
    expect(c.args).toEqual(['dist/operator/src/main.js']);
    const metrics = findOne(objects(), 'Service', `${OPERATOR}-metrics`);
    expect(field(metrics, 'spec.ports')).toEqual([{ name: 'metrics', port: 9000, targetPort: 'metrics', protocol: 'TCP' }]);
  });

  test('webhook: 2 replicas, a PodDisruptionBudget over its pods, /healthz probes over HTTPS', () => {
    const d = findOne(objects(), 'Deployment', WEBHOOK);
    expect(field(d, 'spec.replicas')).toBe(2);
    const pdb = findOne(objects(), 'PodDisruptionBudget', WEBHOOK);
    expect(field(pdb, 'spec.minAvailable')).toBe(1);
    expect(field(d, 'spec.template.metadata.labels')).toMatchObject(field(pdb, 'spec.selector.matchLabels') as object);
    const c = container(d);
    expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'https', scheme: 'HTTPS' });
    expect(c.readinessProbe?.httpGet).toEqual({ path: '/healthz', port: 'https', scheme: 'HTTPS' });
    expect(c.args?.[0]).toBe('dist/webhook/src/main.js');
  });

  test('service accounts never mount a token by default', () => {
    const sas = objects().filter((o) => o.kind === 'ServiceAccount');
    expect(sas.map((s) => s.metadata.name).sort()).toEqual([OPERATOR, WEBHOOK]);
    for (const sa of sas) expect(sa.automountServiceAccountToken).toBe(false);
  });

  test('every Deployment selector matches its own pod template labels', () => {
    for (const d of objects().filter((o) => o.kind === 'Deployment')) {
      expect(field(d, 'spec.template.metadata.labels')).toMatchObject(field(d, 'spec.selector.matchLabels') as object);
    }
  });
});

describe('default values', () => {
  test('render exactly the always-on objects (no CRD template, no optional extras)', () => {
    expect(kinds(defaults)).toEqual([
      `ClusterRole/${OPERATOR}`, `ClusterRole/${WEBHOOK}`,
      `ClusterRoleBinding/${OPERATOR}`, `ClusterRoleBinding/${WEBHOOK}`,
      `Deployment/${OPERATOR}`, `Deployment/${WEBHOOK}`,
      `PodDisruptionBudget/${WEBHOOK}`,
      `Role/${OPERATOR}`, `Role/${WEBHOOK}`,
      `RoleBinding/${OPERATOR}`, `RoleBinding/${WEBHOOK}`,
      'Service/chaos-monkey', `Service/${OPERATOR}-metrics`,
      `ServiceAccount/${OPERATOR}`, `ServiceAccount/${WEBHOOK}`,
    ]);
  });

  test('operator env carries the seed variables from values', () => {
    const env = envOf(container(findOne(defaults, 'Deployment', OPERATOR)));
    expect(env).toMatchObject({
      CHAOSMONKEY_LOGLEVEL: 'info',
      CHAOSMONKEY_BEHAVIOR: 'AllowAll',
      CHAOSMONKEY_NS_TIMEOUT: '48h',
      CHAOSMONKEY_CRD_TIMEOUT: '48h',
      CHAOSMONKEY_POD_TIMEOUT: '48h',
      CHAOSMONKEY_KILL_GRACE_SECONDS: '0',
      CHAOSMONKEY_TARGET_SELF: 'false',
      CHAOSMONKEY_METRICS_PORT: '9000',
    });
    const fromField = (container(findOne(defaults, 'Deployment', OPERATOR)).env ?? []).filter((e) => e.valueFrom !== undefined).map((e) => e.name).sort();
    expect(fromField).toEqual(['CHAOSMONKEY_NAMESPACE', 'CHAOSMONKEY_POD_NAME']);
  });

  test('image defaults to the appVersion tag; a digest wins over the tag', () => {
    const image = (objs: K8sObject[]): string => (field(findOne(objs, 'Deployment', OPERATOR), 'spec.template.spec.containers.0.image') as string);
    expect(image(defaults)).toBe('ghcr.io/massix/chaos-monkey:0.1.0');
    const digest = `sha256:${'a'.repeat(64)}`;
    const withDigest = renderObjects({ set: [`image.digest=${digest}`, 'image.tag=9.9.9'] });
    expect(image(withDigest)).toBe(`ghcr.io/massix/chaos-monkey@${digest}`);
    expect(field(findOne(withDigest, 'Deployment', WEBHOOK), 'spec.template.spec.containers.0.image')).toBe(`ghcr.io/massix/chaos-monkey@${digest}`);
  });

  test('values flow into env, replicas and resources', () => {
    const objs = renderObjects({ set: [
      'operator.logLevel=debug', 'operator.behavior=DenyAll', 'operator.timeouts.pod=5m', 'operator.replicas=3',
      'operator.extraEnv[0].name=CHAOSMONKEY_LEASE_DURATION', 'operator.extraEnv[0].value=20s',
      'webhook.replicas=3', 'webhook.resources.limits.memory=300Mi',
    ] });
    const op = findOne(objs, 'Deployment', OPERATOR);
    expect(envOf(container(op))).toMatchObject({ CHAOSMONKEY_LOGLEVEL: 'debug', CHAOSMONKEY_BEHAVIOR: 'DenyAll', CHAOSMONKEY_POD_TIMEOUT: '5m', CHAOSMONKEY_LEASE_DURATION: '20s' });
    expect(field(op, 'spec.replicas')).toBe(3);
    const wh = findOne(objs, 'Deployment', WEBHOOK);
    expect(field(wh, 'spec.replicas')).toBe(3);
    expect(container(wh).resources?.limits?.memory).toBe('300Mi');
  });

  test('self-managed mode: the webhook keeps its certificate in the Secret through the API, with a token', () => {
    const d = findOne(defaults, 'Deployment', WEBHOOK);
    expect(podSpec(d).automountServiceAccountToken).toBe(true);
    expect(container(d).args).toEqual(['dist/webhook/src/main.js', '--port=9443', '--cert-mode=self-managed']);
    expect(envOf(container(d))).toMatchObject({ CHAOSMONKEY_WEBHOOK_SERVICE: 'chaos-monkey', CHAOSMONKEY_WEBHOOK_SECRET: 'chaos-monkey-tls', CHAOSMONKEY_WEBHOOK_LOGLEVEL: 'info' });
    const ns = (container(d).env ?? []).find((e) => e.name === 'CHAOSMONKEY_WEBHOOK_NAMESPACE');
    expect(ns?.valueFrom).toEqual({ fieldRef: { fieldPath: 'metadata.namespace' } });
    expect(podSpec(d).volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '16Mi' } }]);
  });

  test('a single webhook replica gets no PodDisruptionBudget (it would block node drains)', () => {
    const objs = renderObjects({ set: ['webhook.replicas=1'] });
    expect(objs.some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
    expect(field(findOne(objs, 'Deployment', WEBHOOK), 'spec.replicas')).toBe(1);
  });

  test('serviceMonitor.enabled alone renders nothing when the cluster lacks monitoring.coreos.com/v1', () => {
    const objs = renderObjects({ set: ['serviceMonitor.enabled=true'] });
    expect(objs.some((o) => o.kind === 'ServiceMonitor')).toBe(false);
  });
});

describe('every option on', () => {
  test('adds the CRD, Certificate, Issuer, ServiceMonitor, dashboard ConfigMap and two NetworkPolicies', () => {
    const extra = kinds(allOn).filter((k) => !kinds(defaults).includes(k));
    expect(extra).toEqual([
      `Certificate/${WEBHOOK}-serving`,
      'ConfigMap/cm-chaos-monkey-dashboard',
      'CustomResourceDefinition/chaosmonkeyconfigurations.cm.massix.github.io',
      `Issuer/${RELEASE}-chaos-monkey-selfsigned`,
      `NetworkPolicy/${OPERATOR}`, `NetworkPolicy/${WEBHOOK}`,
      'ServiceMonitor/cm-chaos-monkey',
    ]);
  });

  test('the managed CRD is the crds/ file with the release namespace, CA injection and keep policy', () => {
    const crd = findOne(allOn, 'CustomResourceDefinition');
    const source = load(readFileSync(join(REPO_ROOT, 'crds', 'chaosmonkeyconfigurations.yaml'), 'utf8')) as K8sObject;
    expect(field(crd, 'spec.conversion.webhook.clientConfig.service')).toEqual({ name: 'chaos-monkey', namespace: ALL_ON_NAMESPACE, port: 443, path: '/convertcrd' });
    const strip = (o: K8sObject): unknown => ({ ...(o.spec as object), conversion: undefined });
    expect(strip(crd)).toEqual(strip(source));
    expect(crd.metadata.annotations).toEqual({
      'cert-manager.io/inject-ca-from': `${ALL_ON_NAMESPACE}/${WEBHOOK}-serving`,
      'helm.sh/resource-policy': 'keep',
    });
  });

  test('the Certificate covers the Service DNS names and fills the Secret the webhook mounts', () => {
    const cert = findOne(allOn, 'Certificate');
    expect(field(cert, 'spec.dnsNames')).toEqual([`chaos-monkey.${ALL_ON_NAMESPACE}.svc`, `chaos-monkey.${ALL_ON_NAMESPACE}.svc.cluster.local`]);
    expect(field(cert, 'spec.secretName')).toBe('chaos-monkey-tls');
    expect(field(cert, 'spec.issuerRef')).toEqual({ kind: 'Issuer', name: `${RELEASE}-chaos-monkey-selfsigned`, group: 'cert-manager.io' });
    const volumes = field(findOne(allOn, 'Deployment', WEBHOOK), 'spec.template.spec.volumes') as { name: string; secret?: { secretName: string; optional: boolean } }[];
    expect(volumes.find((v) => v.name === 'tls')?.secret).toEqual({ secretName: 'chaos-monkey-tls' });
  });

  test('cert-manager mode: the webhook serves the mounted files, has no token and no RBAC', () => {
    const d = findOne(allOn, 'Deployment', WEBHOOK);
    expect(podSpec(d).automountServiceAccountToken).toBe(false);
    expect(container(d).args).toEqual(['dist/webhook/src/main.js', '--port=9443', '--cert-mode=files', '--cert=/etc/chaos-monkey/tls/tls.crt', '--key=/etc/chaos-monkey/tls/tls.key']);
    expect(field(container(d), 'volumeMounts')).toContainEqual({ name: 'tls', mountPath: '/etc/chaos-monkey/tls', readOnly: true });
    expect(allOn.filter((o) => o.kind.includes('Role') && o.metadata.name === WEBHOOK)).toEqual([]);
  });

  test('a user issuerRef replaces the chart Issuer', () => {
    const objs = renderObjects({ namespace: ALL_ON_NAMESPACE, set: [...ALL_ON, 'certificates.certManager.issuerRef.kind=ClusterIssuer', 'certificates.certManager.issuerRef.name=corp-ca'], apiVersions: ['monitoring.coreos.com/v1'] });
    expect(objs.some((o) => o.kind === 'Issuer')).toBe(false);
    expect(field(findOne(objs, 'Certificate'), 'spec.issuerRef')).toEqual({ kind: 'ClusterIssuer', name: 'corp-ca' });
  });

  test('the dashboard ConfigMap carries the sidecar label and the dashboard JSON', () => {
    const cm = findOne(allOn, 'ConfigMap');
    expect(cm.metadata.labels?.grafana_dashboard).toBe('1');
    const json = (cm.data as Record<string, string>)['chaos-monkey.json'] ?? '';
    expect(JSON.parse(json)).toEqual(JSON.parse(readFileSync(join(REPO_ROOT, 'dashboards', 'chaos-monkey.json'), 'utf8')));
  });

  test('the ServiceMonitor scrapes the operator over http and the webhook over https', () => {
    const sm = findOne(allOn, 'ServiceMonitor');
    const endpoints = field(sm, 'spec.endpoints') as { port: string; scheme: string }[];
    expect(endpoints.map((e) => [e.port, e.scheme])).toEqual([['metrics', 'http'], ['https', 'https']]);
    const selector = field(sm, 'spec.selector.matchLabels') as Record<string, string>;
    for (const name of [`${OPERATOR}-metrics`, 'chaos-monkey']) {
      expect(findOne(allOn, 'Service', name).metadata.labels).toMatchObject(selector);
    }
  });

  test('NetworkPolicies open only 9000 (operator) and 9443 (webhook) for ingress', () => {
    const ports = (name: string): unknown => (field(findOne(allOn, 'NetworkPolicy', name), 'spec.ingress') as { ports: { port: number }[] }[]).flatMap((r) => r.ports.map((p) => p.port));
    expect(ports(OPERATOR)).toEqual([9000]);
    expect(ports(WEBHOOK)).toEqual([9443]);
  });
});

describe('bad values fail the render with a message', () => {
  test.each([
    ['a wrong type', ['operator.replicas=many'], /operator\.replicas: Invalid type/],
    ['an unknown top-level key', ['replicaCount=2'], /Additional property replicaCount is not allowed/],
    ['an unknown nested key', ['webhook.replica=2'], /Additional property replica is not allowed/],
    ['a bad enum value', ['certificates.mode=vault'], /certificates\.mode/],
    ['a bad log level', ['operator.logLevel=loud'], /operator\.logLevel/],
    ['a duration Go cannot parse (no "d" unit)', ['operator.timeouts.namespace=1d'], /operator\.timeouts\.namespace: Does not match pattern/],
    ['a duration that is not a number', ['operator.timeouts.crd=soon'], /operator\.timeouts\.crd: Does not match pattern/],
  ])('%s', (_name, set, message) => {
    const r = renderChart({ set });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  test('the static CRD with another namespace is refused with the fix', () => {
    const r = renderChart({ namespace: 'other' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/install in namespace chaosmonkey, or set crds\.managed=true/);
    expect(renderChart({ namespace: 'other', set: ['crds.managed=true'] }).status).toBe(0);
  });

  test('cert-manager mode without the managed CRD is refused', () => {
    const r = renderChart({ set: ['certificates.mode=cert-manager'] });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/cert-manager needs crds\.managed=true/);
  });
});
