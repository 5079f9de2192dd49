import { describe, expect, test } from '@jest/globals';
import { parseWebhookConfig } from '../../../webhook/src/config.ts';

const noNamespace = (): undefined => undefined;

describe('parseWebhookConfig', () => {
  test('defaults: port 9443, self-managed in namespace chaosmonkey, level info', () => {
    expect(parseWebhookConfig([], {}, noNamespace)).toEqual({
      options: { port: 9443, logLevel: 'info', selfManaged: { namespace: 'chaosmonkey', serviceName: undefined, secretName: undefined } },
      warnings: [],
    });
  });

  test('--cert/--key select files mode; flags win over variables', () => {
    const r = parseWebhookConfig(['--port', '8443', '--cert', '/a.crt', '--key', '/a.key'], { CHAOSMONKEY_WEBHOOK_PORT: '1', CHAOSMONKEY_WEBHOOK_CERT_FILE: '/b.crt' }, noNamespace);
    expect(r).toEqual({ options: { port: 8443, certFile: '/a.crt', keyFile: '/a.key', logLevel: 'info' }, warnings: [] });
  });

  test('variables alone configure files mode and the log level', () => {
    const r = parseWebhookConfig([], { CHAOSMONKEY_WEBHOOK_CERT_FILE: '/c', CHAOSMONKEY_WEBHOOK_KEY_FILE: '/k', CHAOSMONKEY_WEBHOOK_PORT: '0', CHAOSMONKEY_WEBHOOK_LOGLEVEL: 'Warning' }, noNamespace);
    expect(r).toEqual({ options: { port: 0, certFile: '/c', keyFile: '/k', logLevel: 'warn' }, warnings: [] });
  });

  test('self-managed: namespace from flag, variable, then the service-account file', () => {
    const opts = (argv: string[], env: NodeJS.ProcessEnv) => {
      const r = parseWebhookConfig(argv, env, () => 'from-file');
      return 'options' in r ? r.options.selfManaged : undefined;
    };
    expect(opts(['--namespace', 'flag'], { CHAOSMONKEY_WEBHOOK_NAMESPACE: 'env' })?.namespace).toBe('flag');
    expect(opts([], { CHAOSMONKEY_WEBHOOK_NAMESPACE: 'env', CHAOSMONKEY_WEBHOOK_SERVICE: 'svc', CHAOSMONKEY_WEBHOOK_SECRET: 'sec' })).toEqual({ namespace: 'env', serviceName: 'svc', secretName: 'sec' });
    expect(opts([], {})?.namespace).toBe('from-file');
  });

  test('a bad log level warns and falls back to info', () => {
    const r = parseWebhookConfig([], { CHAOSMONKEY_WEBHOOK_LOGLEVEL: 'loud' }, noNamespace);
    expect(r).toMatchObject({ options: { logLevel: 'info' }, warnings: [expect.stringContaining('CHAOSMONKEY_WEBHOOK_LOGLEVEL')] });
  });

  test.each([
    [['--port', 'x'], {}, /bad port/],
    [['--port', '70000'], {}, /bad port/],
    [['--cert', '/a'], {}, /files mode needs --cert and --key/],
    [['--cert-mode', 'magic'], {}, /bad certificate mode "magic"/],
    [['--nope'], {}, /nope/],
    [['positional'], {}, /positional/],
  ])('%j is refused with a reason', (argv, env, reason) => {
    const r = parseWebhookConfig(argv, env, noNamespace);
    expect(r).toEqual({ error: expect.stringMatching(reason) });
  });
});
