import { describe, expect, test } from '@jest/globals';
import { ENV_VARIABLES, parseEnv } from '../../../../operator/src/config/env.ts';

describe('parseEnv defaults', () => {
  test('an empty environment gives the seed defaults and no warnings', () => {
    const { config, warnings } = parseEnv({}, { serviceAccountNamespace: 'chaos\n', hostname: 'pod-1' });
    expect(warnings).toEqual([]);
    expect(config).toEqual({
      logLevel: 'info',
      logFormat: undefined,
      behavior: 'AllowAll',
      nsWatchTimeoutSeconds: 172_800,
      crdWatchTimeoutSeconds: 172_800,
      podWatchTimeoutSeconds: 172_800,
      namespace: 'chaos',
      targetSelf: false,
      killGraceSeconds: 0,
      dryRun: false,
      metricsPort: 9000,
      leaderElect: true,
      leaseName: 'chaos-monkey-leader',
      leaseDurationMs: 15_000,
      podName: 'pod-1',
      randomSeed: undefined,
      stopOnAlerts: undefined,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  test('without a service-account namespace the namespace is chaosmonkey', () => {
    expect(parseEnv({}).config.namespace).toBe('chaosmonkey');
    expect(parseEnv({}, { serviceAccountNamespace: '  ' }).config.namespace).toBe('chaosmonkey');
  });

  test('ENV_VARIABLES documents every variable parseEnv reads', () => {
    const names = ENV_VARIABLES.map((v) => v.name);
    for (const name of names) {
      // each documented variable, given garbage, produces a warning naming it (or is free text)
      const { warnings } = parseEnv({ [name]: '' });
      expect(warnings.some((w) => w.startsWith(`${name}:`))).toBe(true);
    }
    expect(new Set(names).size).toBe(23);
  });
});

describe('alert stop condition variables', () => {
  test('unset URL: no stop condition; set: default matchers severity="critical", 5s, fail closed', () => {
    expect(parseEnv({ CHAOSMONKEY_STOP_ON_ALERTS: 'a="b"' }).config.stopOnAlerts).toBeUndefined();
    const { config, warnings } = parseEnv({ CHAOSMONKEY_ALERTMANAGER_URL: ' http://am:9093/ ' });
    expect(warnings).toEqual([]);
    expect(config.stopOnAlerts).toMatchObject({ alertmanagerUrl: 'http://am:9093/', refreshMs: 5_000, failClosed: true, matchers: [{ name: 'severity', op: '=', value: 'critical' }] });
  });

  test('values are parsed; bad ones warn and take the default', () => {
    const good = parseEnv({ CHAOSMONKEY_ALERTMANAGER_URL: 'http://am', CHAOSMONKEY_STOP_ON_ALERTS: '{team=~"a|b",env!="dev"}', CHAOSMONKEY_ALERTMANAGER_REFRESH: '1500ms', CHAOSMONKEY_STOP_ON_UNKNOWN: 'false' });
    expect(good.warnings).toEqual([]);
    expect(good.config.stopOnAlerts?.matchers.map((m) => `${m.name}${m.op}${m.value}`)).toEqual(['team=~a|b', 'env!=dev']);
    expect(good.config.stopOnAlerts).toMatchObject({ refreshMs: 1_500, failClosed: false });
    const bad = parseEnv({ CHAOSMONKEY_ALERTMANAGER_URL: 'am:9093 x', CHAOSMONKEY_STOP_ON_ALERTS: 'severity', CHAOSMONKEY_ALERTMANAGER_REFRESH: '100ms', CHAOSMONKEY_STOP_ON_UNKNOWN: 'maybe' });
    expect(bad.warnings.map((w) => w.split(':')[0])).toEqual(['CHAOSMONKEY_STOP_ON_ALERTS', 'CHAOSMONKEY_ALERTMANAGER_REFRESH', 'CHAOSMONKEY_STOP_ON_UNKNOWN', 'CHAOSMONKEY_ALERTMANAGER_URL']);
    // a bad URL keeps the stop condition (requests fail: fail closed), never silently drops it
    expect(bad.config.stopOnAlerts).toMatchObject({ alertmanagerUrl: 'am:9093 x', refreshMs: 5_000, failClosed: true, matchers: [{ name: 'severity', value: 'critical' }] });
  });
});

describe('notification variables', () => {
  test('unset URL: no notifications; set: json, events failure and pause', () => {
    expect(parseEnv({ CHAOSMONKEY_NOTIFY_FORMAT: 'slack' }).config.notify).toBeUndefined();
    const { config, warnings } = parseEnv({ CHAOSMONKEY_NOTIFY_URL: ' https://hooks.example/T/B/secret ' });
    expect(warnings).toEqual([]);
    expect(config.notify).toEqual({ url: 'https://hooks.example/T/B/secret', format: 'json', events: ['failure', 'pause'] });
  });

  test('values are parsed; bad ones warn and take the default; the URL never appears in a warning', () => {
    const good = parseEnv({ CHAOSMONKEY_NOTIFY_URL: 'http://r:8080/x', CHAOSMONKEY_NOTIFY_FORMAT: 'Slack', CHAOSMONKEY_NOTIFY_EVENTS: 'action,blocked,window' });
    expect(good.warnings).toEqual([]);
    expect(good.config.notify).toEqual({ url: 'http://r:8080/x', format: 'slack', events: ['action', 'blocked', 'window'] });
    const bad = parseEnv({ CHAOSMONKEY_NOTIFY_URL: 'http://r', CHAOSMONKEY_NOTIFY_FORMAT: 'teams', CHAOSMONKEY_NOTIFY_EVENTS: 'everything' });
    expect(bad.warnings.map((w) => w.split(':')[0])).toEqual(['CHAOSMONKEY_NOTIFY_FORMAT', 'CHAOSMONKEY_NOTIFY_EVENTS']);
    expect(bad.config.notify).toEqual({ url: 'http://r', format: 'json', events: ['failure', 'pause'] });
    const secret = 'ftp://hooks.example/T0/B0/s3cr3t';
    const badUrl = parseEnv({ CHAOSMONKEY_NOTIFY_URL: secret });
    expect(badUrl.config.notify).toBeUndefined();
    expect(badUrl.warnings).toHaveLength(1);
    expect(badUrl.warnings[0]).toMatch(/^CHAOSMONKEY_NOTIFY_URL: invalid value/);
    expect(badUrl.warnings[0]).not.toContain('s3cr3t');
  });
});

describe('CHAOSMONKEY_LOG_FORMAT', () => {
  test.each([
    ['json', 'json'],
    ['TEXT', 'text'],
    [' text ', 'text'],
  ])('%j -> %s', (raw, format) => {
    const { config, warnings } = parseEnv({ CHAOSMONKEY_LOG_FORMAT: raw });
    expect(config.logFormat).toBe(format);
    expect(warnings).toEqual([]);
  });

  test.each(['', 'logfmt', 'yaml'])('bad %j -> not chosen (terminal decides) with a warning naming the variable', (raw) => {
    const { config, warnings } = parseEnv({ CHAOSMONKEY_LOG_FORMAT: raw });
    expect(config.logFormat).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/^CHAOSMONKEY_LOG_FORMAT: invalid value .*expected json or text/)]);
  });
});

describe('CHAOSMONKEY_LOGLEVEL', () => {
  test.each([
    ['trace', 'trace'],
    ['DEBUG', 'debug'],
    ['Info', 'info'],
    ['warn', 'warn'],
    ['warning', 'warn'],
    ['error', 'error'],
    ['critical', 'critical'],
    ['fatal', 'critical'],
    ['PANIC', 'panic'],
  ])('%s -> %s', (raw, level) => {
    const { config, warnings } = parseEnv({ CHAOSMONKEY_LOGLEVEL: raw });
    expect(config.logLevel).toBe(level);
    expect(warnings).toEqual([]);
  });

  test.each(['', 'verbose', 'inf'])('bad %j -> info with a warning naming the variable', (raw) => {
    const { config, warnings } = parseEnv({ CHAOSMONKEY_LOGLEVEL: raw });
    expect(config.logLevel).toBe('info');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('CHAOSMONKEY_LOGLEVEL');
  });
});

describe('CHAOSMONKEY_BEHAVIOR', () => {
  test.each([
    ['AllowAll', 'AllowAll', 0],
    ['allowall', 'AllowAll', 0],
    ['ALLOWALL', 'AllowAll', 0],
    ['DenyAll', 'DenyAll', 0],
    ['denyall', 'DenyAll', 0],
    ['DENYALL', 'DenyAll', 0],
    ['', 'AllowAll', 1],
    ['deny', 'AllowAll', 1],
    ['Allow All', 'AllowAll', 1],
  ])('%j -> %s (%d warnings)', (raw, behavior, warningCount) => {
    const { config, warnings } = parseEnv({ CHAOSMONKEY_BEHAVIOR: raw });
    expect(config.behavior).toBe(behavior);
    expect(warnings).toHaveLength(warningCount);
    if (warningCount > 0) expect(warnings[0]).toContain('CHAOSMONKEY_BEHAVIOR');
  });
});

describe.each([
  ['CHAOSMONKEY_NS_TIMEOUT', 'nsWatchTimeoutSeconds'],
  ['CHAOSMONKEY_CRD_TIMEOUT', 'crdWatchTimeoutSeconds'],
  ['CHAOSMONKEY_POD_TIMEOUT', 'podWatchTimeoutSeconds'],
] as const)('%s', (name, field) => {
  test.each([
    ['48h', 172_800, 0],
    ['30s', 30, 0],
    ['1m30s', 90, 0],
    ['1.9s', 1, 0], // truncated like the seed
    ['500ms', 0, 0], // below 1s truncates to 0 (server default)
    ['0', 0, 0],
    ['', 172_800, 1],
    ['10', 172_800, 1], // missing unit
    ['10S', 172_800, 1], // units are case-sensitive
    ['-5s', 172_800, 1],
    ['abc', 172_800, 1],
  ])('%j -> %d s (%d warnings)', (raw, seconds, warningCount) => {
    const { config, warnings } = parseEnv({ [name]: raw });
    expect(config[field]).toBe(seconds);
    expect(warnings).toHaveLength(warningCount);
    if (warningCount > 0) expect(warnings[0]).toContain(name);
  });
});

describe('our variables', () => {
  test.each([
    [{ CHAOSMONKEY_TARGET_SELF: 'true' }, 'targetSelf', true, 0],
    [{ CHAOSMONKEY_TARGET_SELF: 'YES' }, 'targetSelf', true, 0],
    [{ CHAOSMONKEY_DRY_RUN: 'true' }, 'dryRun', true, 0],
    [{ CHAOSMONKEY_DRY_RUN: 'perhaps' }, 'dryRun', false, 1],
    [{ CHAOSMONKEY_TARGET_SELF: 'maybe' }, 'targetSelf', false, 1],
    [{ CHAOSMONKEY_KILL_GRACE_SECONDS: '30' }, 'killGraceSeconds', 30, 0],
    [{ CHAOSMONKEY_KILL_GRACE_SECONDS: '-1' }, 'killGraceSeconds', 0, 1],
    [{ CHAOSMONKEY_KILL_GRACE_SECONDS: '1.5' }, 'killGraceSeconds', 0, 1],
    [{ CHAOSMONKEY_METRICS_PORT: '9090' }, 'metricsPort', 9090, 0],
    [{ CHAOSMONKEY_METRICS_PORT: '0' }, 'metricsPort', 0, 0],
    [{ CHAOSMONKEY_METRICS_PORT: '70000' }, 'metricsPort', 9000, 1],
    [{ CHAOSMONKEY_METRICS_PORT: 'http' }, 'metricsPort', 9000, 1],
    [{ CHAOSMONKEY_LEADER_ELECT: 'false' }, 'leaderElect', false, 0],
    [{ CHAOSMONKEY_LEADER_ELECT: '0' }, 'leaderElect', false, 0],
    [{ CHAOSMONKEY_LEADER_ELECT: '' }, 'leaderElect', true, 1],
    [{ CHAOSMONKEY_LEASE_NAME: 'my-lease' }, 'leaseName', 'my-lease', 0],
    [{ CHAOSMONKEY_LEASE_NAME: 'My_Lease' }, 'leaseName', 'chaos-monkey-leader', 1],
    [{ CHAOSMONKEY_LEASE_DURATION: '30s' }, 'leaseDurationMs', 30_000, 0],
    [{ CHAOSMONKEY_LEASE_DURATION: '1m0.5s' }, 'leaseDurationMs', 60_000, 0],
    [{ CHAOSMONKEY_LEASE_DURATION: '500ms' }, 'leaseDurationMs', 15_000, 1],
    [{ CHAOSMONKEY_LEASE_DURATION: 'soon' }, 'leaseDurationMs', 15_000, 1],
    [{ CHAOSMONKEY_NAMESPACE: 'ops' }, 'namespace', 'ops', 0],
    [{ CHAOSMONKEY_NAMESPACE: 'Ops!' }, 'namespace', 'chaosmonkey', 1],
    [{ CHAOSMONKEY_POD_NAME: 'cm-0' }, 'podName', 'cm-0', 0],
    [{ CHAOSMONKEY_RANDOM_SEED: '42' }, 'randomSeed', '42', 0],
    [{ CHAOSMONKEY_RANDOM_SEED: '' }, 'randomSeed', undefined, 1],
  ] as const)('%j -> %s = %j (%d warnings)', (env, field, value, warningCount) => {
    const { config, warnings } = parseEnv(env);
    expect(config[field]).toBe(value);
    expect(warnings).toHaveLength(warningCount);
    if (warningCount > 0) expect(warnings[0]).toContain(Object.keys(env)[0]);
  });

  test('several bad values give one warning each', () => {
    const { warnings } = parseEnv({ CHAOSMONKEY_LOGLEVEL: 'x', CHAOSMONKEY_BEHAVIOR: 'y', CHAOSMONKEY_POD_TIMEOUT: 'z' });
    expect(warnings).toHaveLength(3);
  });
});
