/**
 * Webhook configuration from flags and environment variables (flags win). Pure: argv and env in,
 * options or an error out. Documented in docs/webhook.md.
 */
import { parseArgs } from 'node:util';
import { inClusterNamespace } from './kube.ts';
import { parseLogLevel } from './log.ts';
import { DEFAULT_WEBHOOK_PORT } from './start.ts';
import type { StartWebhookOptions } from './start.ts';

/**
 * Parses `--port --cert --key --cert-mode --namespace` and the CHAOSMONKEY_WEBHOOK_* variables.
 * @param readNamespace where to find the in-cluster namespace when none is given (injected for tests).
 * @returns start options plus warnings for ignored values, or the reason the configuration is unusable.
 */
export function parseWebhookConfig(argv: string[], env: NodeJS.ProcessEnv, readNamespace: () => string | undefined = inClusterNamespace): { options: StartWebhookOptions; warnings: string[] } | { error: string } {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: { port: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' }, 'cert-mode': { type: 'string' }, namespace: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | undefined>;
  } catch (err) {
    return { error: (err as Error).message };
  }
  const warnings: string[] = [];
  const portText = values.port ?? env.CHAOSMONKEY_WEBHOOK_PORT;
  const port = portText === undefined ? DEFAULT_WEBHOOK_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return { error: `bad port ${JSON.stringify(portText)}` };
  const certFile = values.cert ?? env.CHAOSMONKEY_WEBHOOK_CERT_FILE;
  const keyFile = values.key ?? env.CHAOSMONKEY_WEBHOOK_KEY_FILE;
  const modeText = values['cert-mode'] ?? env.CHAOSMONKEY_WEBHOOK_CERT_MODE ?? (certFile !== undefined || keyFile !== undefined ? 'files' : 'self-managed');
  const levelText = env.CHAOSMONKEY_WEBHOOK_LOGLEVEL;
  const logLevel = parseLogLevel(levelText) ?? 'info';
  if (levelText !== undefined && levelText !== '' && parseLogLevel(levelText) === undefined) warnings.push(`CHAOSMONKEY_WEBHOOK_LOGLEVEL=${JSON.stringify(levelText)} is not a level; using info`);
  if (modeText === 'files') {
    if (certFile === undefined || keyFile === undefined) return { error: 'files mode needs --cert and --key (or CHAOSMONKEY_WEBHOOK_CERT_FILE and CHAOSMONKEY_WEBHOOK_KEY_FILE)' };
    return { options: { port, certFile, keyFile, logLevel }, warnings };
  }
  if (modeText !== 'self-managed') return { error: `bad certificate mode ${JSON.stringify(modeText)}: files or self-managed` };
  const namespace = values.namespace ?? env.CHAOSMONKEY_WEBHOOK_NAMESPACE ?? readNamespace() ?? 'chaosmonkey';
  return {
    options: {
      port,
      logLevel,
      selfManaged: { namespace, serviceName: env.CHAOSMONKEY_WEBHOOK_SERVICE || undefined, secretName: env.CHAOSMONKEY_WEBHOOK_SECRET || undefined },
    },
    warnings,
  };
}
