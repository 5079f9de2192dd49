/**
 * The chart speaks the programs' own configuration language: the operator's rendered environment
 * parses without a warning through operator/src/config/env.ts, and the webhook's rendered arguments
 * and environment parse through webhook/src/config.ts into the intended certificate mode.
 */
import { describe, expect, test, beforeAll } from '@jest/globals';
import { ENV_VARIABLES, parseEnv } from '../../../operator/src/config/env.ts';
import { parseWebhookConfig } from '../../../webhook/src/config.ts';
import { RELEASE, field, findOne, renderObjects } from './support/render.ts';
import type { K8sObject } from './support/render.ts';

interface EnvVar { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }
interface Container { args: string[]; env: EnvVar[] }

/** What the kubelet would pass: literal values, and downward-API fields resolved for a pod in `namespace`. */
function environment(c: Container, namespace: string): Record<string, string> {
  const pod: Record<string, string> = { 'metadata.namespace': namespace, 'metadata.name': 'pod-0' };
  return Object.fromEntries(c.env.map((e) => [e.name, e.value ?? pod[e.valueFrom?.fieldRef?.fieldPath ?? ''] ?? '']));
}
/** The container called `name` of the chart's one Deployment. */
const containerOf = (objects: K8sObject[], name: 'operator' | 'webhook'): Container =>
  (field(findOne(objects, 'Deployment', `${RELEASE}-chaos-monkey`), 'spec.template.spec.containers') as (Container & { name: string })[]).find((c) => c.name === name) as Container;

let defaults: K8sObject[];
let certManager: K8sObject[];
let custom: K8sObject[];
beforeAll(() => {
  defaults = renderObjects();
  certManager = renderObjects({ namespace: 'chaos-system', set: ['crds.managed=true', 'certificates.mode=cert-manager'] });
  custom = renderObjects({ set: ['operator.logLevel=debug', 'operator.behavior=DenyAll', 'operator.timeouts.namespace=1h30m', 'operator.killGraceSeconds=5', 'operator.targetSelf=true', 'operator.dryRun=true', 'webhook.logLevel=debug'] });
}, 240_000);

describe('operator environment', () => {
  test('every variable the chart sets is one the operator reads', () => {
    const known = new Set(ENV_VARIABLES.map((v) => v.name));
    const set = containerOf(defaults, 'operator').env.map((e) => e.name);
    expect(set.filter((n) => !known.has(n))).toEqual([]);
  });

  test.each([
    ['default values', () => defaults, { logLevel: 'info', behavior: 'AllowAll', nsWatchTimeoutSeconds: 172_800, killGraceSeconds: 0, targetSelf: false, dryRun: false }],
    ['custom values', () => custom, { logLevel: 'debug', behavior: 'DenyAll', nsWatchTimeoutSeconds: 5400, killGraceSeconds: 5, targetSelf: true, dryRun: true }],
  ])('%s parse without warnings into the intended config', (_name, objects, expected) => {
    const env = environment(containerOf(objects(), 'operator'), 'chaosmonkey');
    const { config, warnings } = parseEnv(env);
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({ ...expected, namespace: 'chaosmonkey', podName: 'pod-0', metricsPort: 9000, leaderElect: true });
  });
});

describe('webhook arguments and environment', () => {
  test('self-managed mode (default): namespace from the pod, Service chaos-monkey, Secret chaos-monkey-tls, port 9443', () => {
    const c = containerOf(defaults, 'webhook');
    const parsed = parseWebhookConfig(c.args.slice(1), environment(c, 'chaosmonkey'), () => undefined);
    expect(parsed).toEqual({
      options: { port: 9443, logLevel: 'info', selfManaged: { namespace: 'chaosmonkey', serviceName: 'chaos-monkey', secretName: 'chaos-monkey-tls' } },
      warnings: [],
    });
  });

  test('cert-manager mode: the mounted Secret files', () => {
    const c = containerOf(certManager, 'webhook');
    const parsed = parseWebhookConfig(c.args.slice(1), environment(c, 'chaos-system'), () => undefined);
    expect(parsed).toEqual({ options: { port: 9443, logLevel: 'info', certFile: '/etc/chaos-monkey/tls/tls.crt', keyFile: '/etc/chaos-monkey/tls/tls.key' }, warnings: [] });
  });

  test('webhook.logLevel reaches the webhook', () => {
    const c = containerOf(custom, 'webhook');
    const parsed = parseWebhookConfig(c.args.slice(1), environment(c, 'chaosmonkey'), () => undefined);
    expect('options' in parsed && parsed.options.logLevel).toBe('debug');
  });
});

describe('operator.alertmanager (stop on alerts)', () => {
  let withAlerts: K8sObject[];
  beforeAll(() => {
    withAlerts = renderObjects({ set: ['operator.alertmanager.url=http://am.monitoring:9093', 'operator.alertmanager.refresh=10s', 'operator.alertmanager.stopOnUnknown=false', 'networkPolicy.enabled=true'] });
  }, 240_000);

  test('without a URL no stop-condition variable is set', () => {
    const env = environment(containerOf(defaults, 'operator'), 'chaosmonkey');
    expect(Object.keys(env).filter((n) => /ALERT|STOP_ON/.test(n))).toEqual([]);
    expect(parseEnv(env).config.stopOnAlerts).toBeUndefined();
  });

  test('with a URL the values reach the operator and the NetworkPolicy lets it reach Alertmanager', () => {
    const { config, warnings } = parseEnv(environment(containerOf(withAlerts, 'operator'), 'chaosmonkey'));
    expect(warnings).toEqual([]);
    expect(config.stopOnAlerts).toMatchObject({ alertmanagerUrl: 'http://am.monitoring:9093', refreshMs: 10_000, failClosed: false, matchers: [{ name: 'severity', op: '=', value: 'critical' }] });
    const egress = field(findOne(withAlerts, 'NetworkPolicy'), 'spec.egress') as { ports: { port: number }[] }[];
    expect(egress.some((rule) => rule.ports.some((p) => p.port === 9093))).toBe(true);
    const defaultEgress = field(findOne(renderObjects({ set: ['networkPolicy.enabled=true'] }), 'NetworkPolicy'), 'spec.egress') as { ports: { port: number }[] }[];
    expect(defaultEgress.some((rule) => rule.ports.some((p) => p.port === 9093))).toBe(false);
  });
});

describe('notifications (webhook URL from a Secret)', () => {
  const URL_VALUE = 'https://hooks.slack.com/services/T000/B000/s3cr3t';
  interface SecretEnv { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }
  const notifyEnv = (objects: K8sObject[]): SecretEnv[] => (containerOf(objects, 'operator').env as SecretEnv[]).filter((e) => e.name.startsWith('CHAOSMONKEY_NOTIFY_'));
  const egressRules = (objects: K8sObject[]): number[][] => (field(findOne(objects, 'NetworkPolicy'), 'spec.egress') as { ports: { port: number }[] }[]).map((r) => r.ports.map((p) => p.port));
  let inline: K8sObject[];
  let existing: K8sObject[];
  beforeAll(() => {
    inline = renderObjects({ set: [`notifications.url=${URL_VALUE}`, 'notifications.format=slack', 'notifications.events={action,failure}', 'networkPolicy.enabled=true'] });
    existing = renderObjects({ set: ['notifications.existingSecret=my-hook', 'notifications.existingSecretKey=webhook'] });
  }, 240_000);

  test('off by default: no variable, no Secret, no egress rule for it', () => {
    expect(notifyEnv(defaults)).toEqual([]);
    expect(defaults.filter((o) => o.kind === 'Secret' && String(field(o, 'metadata.name')).endsWith('-notifications'))).toEqual([]);
    expect(egressRules(renderObjects({ set: ['networkPolicy.enabled=true'] }))).not.toContainEqual([443]);
  });

  test('notifications.url goes into a chart-owned Secret, read through secretKeyRef; format and events parse without a warning', () => {
    const env = notifyEnv(inline);
    const ref = env.find((e) => e.name === 'CHAOSMONKEY_NOTIFY_URL')?.valueFrom?.secretKeyRef;
    expect(ref?.key).toBe('url');
    const secret = findOne(inline, 'Secret', ref?.name);
    expect(Buffer.from(String(field(secret, 'data.url')), 'base64').toString('utf8')).toBe(URL_VALUE);
    expect(JSON.stringify(findOne(inline, 'Deployment'))).not.toContain('s3cr3t');
    const vars = Object.fromEntries(env.map((e) => [e.name, e.value ?? URL_VALUE]));
    const { config, warnings } = parseEnv(vars);
    expect(warnings).toEqual([]);
    expect(config.notify).toEqual({ url: URL_VALUE, format: 'slack', events: ['action', 'failure'] });
    expect(egressRules(inline)).toContainEqual([443]);
  });

  test('notifications.existingSecret: no chart Secret, the given name and key', () => {
    const ref = notifyEnv(existing).find((e) => e.name === 'CHAOSMONKEY_NOTIFY_URL')?.valueFrom?.secretKeyRef;
    expect(ref).toEqual({ name: 'my-hook', key: 'webhook' });
    expect(existing.filter((o) => o.kind === 'Secret' && String(field(o, 'metadata.name')).endsWith('-notifications'))).toEqual([]);
    expect(notifyEnv(existing).find((e) => e.name === 'CHAOSMONKEY_NOTIFY_EVENTS')?.value).toBe('failure,pause');
  });
});
