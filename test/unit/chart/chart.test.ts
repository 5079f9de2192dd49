/**
 * charts/chaos-monkey rendered with default values and with every option on: every document parses,
 * has the shape Kubernetes expects, and keeps the invariants the issues ask for (one Deployment whose
 * pods run the operator first and the webhook second, both hardened; one Service chaos-monkey with
 * 80 -> the operator's 9000 and 443 -> the webhook's 9443; probes; env from values; copies in sync
 * with their sources).
 */
import { describe, expect, test, beforeAll } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { CHART_DIR, REPO_ROOT, RELEASE, field, findOne, renderChart, renderObjects } from './support/render.ts';
import type { K8sObject } from './support/render.ts';
import { shapeErrors } from './support/shapes.ts';
import { parseEnv } from '../../../operator/src/config/env.ts';

const ALL_ON = [
  'crds.managed=true',
  'certificates.mode=cert-manager',
  'serviceMonitor.enabled=true',
  'dashboard.enabled=true',
  'networkPolicy.enabled=true',
];
const ALL_ON_NAMESPACE = 'chaos-system';
const NAME = `${RELEASE}-chaos-monkey`;
const TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

let defaults: K8sObject[];
let allOn: K8sObject[];

beforeAll(() => {
  defaults = renderObjects();
  allOn = renderObjects({ namespace: ALL_ON_NAMESPACE, set: ALL_ON, apiVersions: ['monitoring.coreos.com/v1'] });
}, 240_000);

const kinds = (objects: K8sObject[]): string[] => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();

interface Container {
  name: string;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
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
function containers(d: K8sObject): Container[] {
  const cs = field(d, 'spec.template.spec.containers') as Container[];
  expect(cs.map((c) => c.name)).toEqual(['operator', 'webhook']);
  return cs;
}
const operatorOf = (d: K8sObject): Container => containers(d)[0] as Container;
const webhookOf = (d: K8sObject): Container => containers(d)[1] as Container;
const deployment = (objects: K8sObject[]): K8sObject => findOne(objects, 'Deployment', NAME);
/** Whether the container mounts the service-account token. */
const hasToken = (c: Container): boolean => (c.volumeMounts ?? []).some((m) => m.mountPath === TOKEN_PATH);
/** The container port a Service targetPort (name or number) reaches in a pod spec, as [container, port]. */
function resolveTargetPort(pod: K8sObject, targetPort: string | number): [string, number] | undefined {
  for (const c of field(pod, 'spec.template.spec.containers') as Container[]) {
    for (const p of c.ports ?? []) {
      if (p.name === targetPort || p.containerPort === targetPort) return [c.name, p.containerPort];
    }
  }
  return undefined;
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
    expect(list.length).toBeGreaterThanOrEqual(8);
    expect(list.flatMap((o) => shapeErrors(o, namespace))).toEqual([]);
  });

  test('no two objects share kind and name', () => {
    const ids = kinds(objects());
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('one Deployment; both containers hardened: non-root numeric user, read-only root, no capabilities, seccomp, limits', () => {
    const deployments = objects().filter((o) => o.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name)).toEqual([NAME]);
    for (const d of deployments) {
      const pod = podSpec(d);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(typeof field(pod, 'securityContext.runAsUser')).toBe('number');
      expect(field(pod, 'securityContext.runAsUser')).not.toBe(0);
      expect(pod.hostNetwork).toBeUndefined();
      expect(pod.hostPID).toBeUndefined();
    }
    for (const c of containers(deployment(objects()))) {
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
      // Each container its own writable /tmp.
      expect(c.volumeMounts?.filter((m) => m.mountPath === '/tmp').map((m) => m.name)).toEqual([`tmp-${c.name}`]);
    }
  });

  test('one Service, chaos-monkey: 80 (http) reaches the operator\'s 9000, 443 (https) the webhook\'s 9443, over the pods\' labels', () => {
    const services = objects().filter((o) => o.kind === 'Service');
    expect(services.map((o) => o.metadata.name)).toEqual(['chaos-monkey']);
    const svc = services[0] as K8sObject;
    expect(field(svc, 'spec.ports')).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
      { name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' },
    ]);
    const d = deployment(objects());
    expect(resolveTargetPort(d, 'http')).toEqual(['operator', 9000]);
    expect(resolveTargetPort(d, 'https')).toEqual(['webhook', 9443]);
    expect(field(d, 'spec.template.metadata.labels')).toMatchObject(field(svc, 'spec.selector') as object);
    // The selector picks none of the pods of the two-Deployment layout (components operator, webhook).
    expect((field(svc, 'spec.selector') as Record<string, string>)['app.kubernetes.io/component']).toBe('manager');
  });

  test('operator container first: port 9000 named http, /livez and /readyz probes, the operator entry point', () => {
    const c = operatorOf(deployment(objects()));
    expect(c.ports).toEqual([{ name: 'http', containerPort: 9000, protocol: 'TCP' }]);
    expect(c.livenessProbe?.httpGet).toEqual({ path: '/livez', port: 'http' });
    expect(c.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(c.args).toEqual(['dist/operator/src/main.js']);
    expect(c.env?.slice(0, 2).map((e) => e.name)).toEqual(['CHAOSMONKEY_LOGLEVEL', 'CHAOSMONKEY_BEHAVIOR']);
  });

  test('webhook container second: port 9443 named https, /healthz probes over HTTPS, the webhook entry point', () => {
    const c = webhookOf(deployment(objects()));
    expect(c.ports).toEqual([{ name: 'https', containerPort: 9443, protocol: 'TCP' }]);
    expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'https', scheme: 'HTTPS' });
    expect(c.readinessProbe?.httpGet).toEqual({ path: '/healthz', port: 'https', scheme: 'HTTPS' });
    expect(c.args?.[0]).toBe('dist/webhook/src/main.js');
  });

  test('2 replicas and a PodDisruptionBudget over the pods', () => {
    const d = deployment(objects());
    expect(field(d, 'spec.replicas')).toBe(2);
    const pdb = findOne(objects(), 'PodDisruptionBudget', NAME);
    expect(field(pdb, 'spec.minAvailable')).toBe(1);
    expect(field(d, 'spec.template.metadata.labels')).toMatchObject(field(pdb, 'spec.selector.matchLabels') as object);
  });

  test('one ServiceAccount; the token is mounted by the pod spec into the operator only (plus the webhook in self-managed mode)', () => {
    const sas = objects().filter((o) => o.kind === 'ServiceAccount');
    expect(sas.map((s) => s.metadata.name)).toEqual([NAME]);
    expect(sas[0]?.automountServiceAccountToken).toBe(false);
    const d = deployment(objects());
    expect(podSpec(d).serviceAccountName).toBe(NAME);
    expect(podSpec(d).automountServiceAccountToken).toBe(false);
    expect(hasToken(operatorOf(d))).toBe(true);
    const volume = (podSpec(d).volumes as { name: string; projected?: unknown }[]).find((v) => v.name === 'api-token');
    expect(field(volume, 'projected.sources.0.serviceAccountToken')).toEqual({ path: 'token', expirationSeconds: 3607 });
    expect(field(volume, 'projected.sources.1.configMap')).toEqual({ name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] });
    expect(field(volume, 'projected.sources.2.downwardAPI.items.0')).toEqual({ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } });
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
      `ClusterRole/${NAME}`,
      `ClusterRoleBinding/${NAME}`,
      `Deployment/${NAME}`,
      `PodDisruptionBudget/${NAME}`,
      `Role/${NAME}`,
      `RoleBinding/${NAME}`,
      'Service/chaos-monkey',
      `ServiceAccount/${NAME}`,
    ]);
  });

  test('operator env carries the seed variables from values', () => {
    const env = envOf(operatorOf(deployment(defaults)));
    expect(env).toMatchObject({
      CHAOSMONKEY_LOGLEVEL: 'info',
      CHAOSMONKEY_BEHAVIOR: 'AllowAll',
      CHAOSMONKEY_NS_TIMEOUT: '48h',
      CHAOSMONKEY_CRD_TIMEOUT: '48h',
      CHAOSMONKEY_POD_TIMEOUT: '48h',
      CHAOSMONKEY_KILL_GRACE_SECONDS: '0',
      CHAOSMONKEY_TARGET_SELF: 'false',
      CHAOSMONKEY_DRY_RUN: 'false',
      CHAOSMONKEY_METRICS_PORT: '9000',
    });
    const fromField = (operatorOf(deployment(defaults)).env ?? []).filter((e) => e.valueFrom !== undefined).map((e) => e.name).sort();
    expect(fromField).toEqual(['CHAOSMONKEY_NAMESPACE', 'CHAOSMONKEY_POD_NAME']);
  });

  test('image defaults to the appVersion tag; a digest wins over the tag', () => {
    const image = (objs: K8sObject[], i = 0): string => (field(deployment(objs), `spec.template.spec.containers.${i}.image`) as string);
    expect(image(defaults)).toBe('ghcr.io/massix/chaos-monkey:0.1.0');
    expect(image(defaults, 1)).toBe('ghcr.io/massix/chaos-monkey:0.1.0');
    const digest = `sha256:${'a'.repeat(64)}`;
    const withDigest = renderObjects({ set: [`image.digest=${digest}`, 'image.tag=9.9.9'] });
    expect(image(withDigest)).toBe(`ghcr.io/massix/chaos-monkey@${digest}`);
    expect(image(withDigest, 1)).toBe(`ghcr.io/massix/chaos-monkey@${digest}`);
  });

  test('values flow into env, replicas and resources', () => {
    const objs = renderObjects({ set: [
      'operator.logLevel=debug', 'operator.behavior=DenyAll', 'operator.timeouts.pod=5m', 'replicas=3',
      'operator.extraEnv[0].name=CHAOSMONKEY_LEASE_DURATION', 'operator.extraEnv[0].value=20s',
      'webhook.resources.limits.memory=300Mi',
    ] });
    const d = deployment(objs);
    expect(envOf(operatorOf(d))).toMatchObject({ CHAOSMONKEY_LOGLEVEL: 'debug', CHAOSMONKEY_BEHAVIOR: 'DenyAll', CHAOSMONKEY_POD_TIMEOUT: '5m', CHAOSMONKEY_LEASE_DURATION: '20s' });
    // The seed's DenyAll switch patches containers[0].env[1]: values keep that order.
    expect(operatorOf(d).env?.[1]).toEqual({ name: 'CHAOSMONKEY_BEHAVIOR', value: 'DenyAll' });
    expect(field(d, 'spec.replicas')).toBe(3);
    expect(webhookOf(d).resources?.limits?.memory).toBe('300Mi');
    expect(operatorOf(d).resources?.limits?.memory).toBe('256Mi');
  });

  test('self-managed mode: the webhook keeps its certificate in the Secret through the API, with a token', () => {
    const d = deployment(defaults);
    expect(hasToken(webhookOf(d))).toBe(true);
    expect(webhookOf(d).args).toEqual(['dist/webhook/src/main.js', '--port=9443', '--cert-mode=self-managed']);
    expect(envOf(webhookOf(d))).toMatchObject({ CHAOSMONKEY_WEBHOOK_SERVICE: 'chaos-monkey', CHAOSMONKEY_WEBHOOK_SECRET: 'chaos-monkey-tls', CHAOSMONKEY_WEBHOOK_LOGLEVEL: 'info' });
    const ns = (webhookOf(d).env ?? []).find((e) => e.name === 'CHAOSMONKEY_WEBHOOK_NAMESPACE');
    expect(ns?.valueFrom).toEqual({ fieldRef: { fieldPath: 'metadata.namespace' } });
    expect((podSpec(d).volumes as { name: string }[]).map((v) => v.name)).toEqual(['api-token', 'tmp-operator', 'tmp-webhook']);
  });

  test('a single replica gets no PodDisruptionBudget (it would block node drains)', () => {
    const objs = renderObjects({ set: ['replicas=1'] });
    expect(objs.some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
    expect(field(deployment(objs), 'spec.replicas')).toBe(1);
  });

  test('serviceMonitor.enabled alone renders nothing when the cluster lacks monitoring.coreos.com/v1', () => {
    const objs = renderObjects({ set: ['serviceMonitor.enabled=true'] });
    expect(objs.some((o) => o.kind === 'ServiceMonitor')).toBe(false);
  });
});

describe('every option on', () => {
  test('adds the CRD, Certificate, Issuer, ServiceMonitor, dashboard ConfigMap and a NetworkPolicy', () => {
    const extra = kinds(allOn).filter((k) => !kinds(defaults).includes(k));
    expect(extra).toEqual([
      `Certificate/${NAME}-webhook-serving`,
      'ConfigMap/cm-chaos-monkey-dashboard',
      'CustomResourceDefinition/chaosmonkeyconfigurations.cm.massix.github.io',
      `Issuer/${RELEASE}-chaos-monkey-selfsigned`,
      `NetworkPolicy/${NAME}`,
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
      'cert-manager.io/inject-ca-from': `${ALL_ON_NAMESPACE}/${NAME}-webhook-serving`,
      'helm.sh/resource-policy': 'keep',
    });
  });

  test('the Certificate covers the Service DNS names and fills the Secret the webhook mounts', () => {
    const cert = findOne(allOn, 'Certificate');
    expect(field(cert, 'spec.dnsNames')).toEqual([`chaos-monkey.${ALL_ON_NAMESPACE}.svc`, `chaos-monkey.${ALL_ON_NAMESPACE}.svc.cluster.local`]);
    expect(field(cert, 'spec.secretName')).toBe('chaos-monkey-tls');
    expect(field(cert, 'spec.issuerRef')).toEqual({ kind: 'Issuer', name: `${RELEASE}-chaos-monkey-selfsigned`, group: 'cert-manager.io' });
    const volumes = field(deployment(allOn), 'spec.template.spec.volumes') as { name: string; secret?: { secretName: string; optional: boolean } }[];
    expect(volumes.find((v) => v.name === 'tls')?.secret).toEqual({ secretName: 'chaos-monkey-tls' });
  });

  test('cert-manager mode: the webhook serves the mounted files and has no token; the operator keeps its own', () => {
    const d = deployment(allOn);
    expect(podSpec(d).automountServiceAccountToken).toBe(false);
    expect(hasToken(webhookOf(d))).toBe(false);
    expect(hasToken(operatorOf(d))).toBe(true);
    expect(webhookOf(d).args).toEqual(['dist/webhook/src/main.js', '--port=9443', '--cert-mode=files', '--cert=/etc/chaos-monkey/tls/tls.crt', '--key=/etc/chaos-monkey/tls/tls.key']);
    expect(webhookOf(d).volumeMounts).toContainEqual({ name: 'tls', mountPath: '/etc/chaos-monkey/tls', readOnly: true });
    expect(operatorOf(d).volumeMounts?.some((m) => m.name === 'tls')).toBe(false);
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

  test('the ServiceMonitor scrapes the Service chaos-monkey: port http (operator) and port https (webhook)', () => {
    const sm = findOne(allOn, 'ServiceMonitor');
    const endpoints = field(sm, 'spec.endpoints') as { port: string; scheme: string }[];
    expect(endpoints.map((e) => [e.port, e.scheme])).toEqual([['http', 'http'], ['https', 'https']]);
    const selector = field(sm, 'spec.selector.matchLabels') as Record<string, string>;
    const svc = findOne(allOn, 'Service', 'chaos-monkey');
    expect(svc.metadata.labels).toMatchObject(selector);
    const portNames = (field(svc, 'spec.ports') as { name: string }[]).map((p) => p.name);
    for (const e of endpoints) expect(portNames).toContain(e.port);
  });

  test('the NetworkPolicy selects the pods and opens only 9000 (operator) and 9443 (webhook) for ingress', () => {
    const np = findOne(allOn, 'NetworkPolicy', NAME);
    const ports = (field(np, 'spec.ingress') as { ports: { port: number }[] }[]).flatMap((r) => r.ports.map((p) => p.port));
    expect(ports).toEqual([9000, 9443]);
    expect(field(deployment(allOn), 'spec.template.metadata.labels')).toMatchObject(field(np, 'spec.podSelector.matchLabels') as object);
  });
});

describe('bad values fail the render with a message', () => {
  test.each([
    ['a wrong type', ['replicas=many'], /replicas: Invalid type/],
    ['no replica (conversion needs one)', ['replicas=0'], /replicas: Must be greater than or equal to 1/],
    ['operator.replicas of the two-Deployment layout', ['operator.replicas=1'], /Additional property replicas is not allowed/],
    ['webhook.podDisruptionBudget of the two-Deployment layout', ['webhook.podDisruptionBudget.enabled=false'], /Additional property podDisruptionBudget is not allowed/],
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

/**
 * Each check tests/kubetest.sh of the Go seed makes in the release namespace (seed-spec.md section
 * 12: steps 4, 18, 19, 20, 22), walked against the objects `helm install chaos-monkey
 * charts/chaos-monkey -n chaosmonkey` creates, with default values and with every option on.
 */
describe.each([
  ['default values', [] as string[], [] as string[]],
  ['every option on', ALL_ON, ['monitoring.coreos.com/v1']],
])("the seed's tests/kubetest.sh against release chaos-monkey in chaosmonkey, %s", (_name, set, apiVersions) => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = renderObjects({ release: 'chaos-monkey', namespace: 'chaosmonkey', set, apiVersions });
  }, 240_000);
  const inNamespace = (kind: string): K8sObject[] => objects.filter((o) => o.kind === kind && o.metadata.namespace === 'chaosmonkey');

  test('step 4: exactly one Deployment and one Service, both named chaos-monkey', () => {
    expect(inNamespace('Deployment').map((o) => o.metadata.name)).toEqual(['chaos-monkey']);
    expect(inNamespace('Service').map((o) => o.metadata.name)).toEqual(['chaos-monkey']);
  });

  test('steps 19-20: port-forward svc/chaos-monkey 9090:80 lands on the operator\'s :9000 (/metrics, /health)', () => {
    const svc = findOne(objects, 'Service', 'chaos-monkey');
    const port80 = (field(svc, 'spec.ports') as { port: number; targetPort: string | number }[]).find((p) => p.port === 80);
    expect(port80).toBeDefined();
    const d = findOne(objects, 'Deployment', 'chaos-monkey');
    expect(resolveTargetPort(d, port80?.targetPort ?? -1)).toEqual(['operator', 9000]);
    expect(operatorOf(d).args).toEqual(['dist/operator/src/main.js']);
    expect(envOf(operatorOf(d)).CHAOSMONKEY_METRICS_PORT).toBe('9000');
  });

  test('step 22: the JSON patch of containers/0/env/1/value switches the operator to DenyAll', () => {
    const d = findOne(objects, 'Deployment', 'chaos-monkey');
    const env = operatorOf(d).env ?? [];
    // RFC 6902 "replace" needs the member to exist: env[1] must carry a literal value.
    expect(env[1]).toEqual({ name: 'CHAOSMONKEY_BEHAVIOR', value: 'AllowAll' });
    const patched = env.map((e, i) => (i === 1 ? { ...e, value: 'DenyAll' } : e));
    const literal = Object.fromEntries(patched.filter((e) => e.value !== undefined).map((e) => [e.name, e.value as string]));
    const { config, warnings } = parseEnv({ ...literal, CHAOSMONKEY_NAMESPACE: 'chaosmonkey', CHAOSMONKEY_POD_NAME: 'chaos-monkey-0' });
    expect(warnings).toEqual([]);
    expect(config.behavior).toBe('DenyAll');
  });

  test('step 18: containerStatuses[0] (kubelet sorts statuses by container name) is the operator\'s', () => {
    const names = containers(findOne(objects, 'Deployment', 'chaos-monkey')).map((c) => c.name);
    expect([...names].sort()[0]).toBe('operator');
  });
});
