/**
 * Composition root (style.md convention 13): read the environment, find the cluster (or start the
 * no-cluster demo), build the operator, run it, and stop everything in reverse order on SIGTERM or
 * SIGINT, exiting 0. Nothing imports this file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from './config/env.ts';
import { connectTo, detectFromProcess, SERVICE_ACCOUNT_DIR } from './kube/connect.ts';
import type { KubeConnection } from './kube/connect.ts';
import { createLogger } from './log/logger.ts';
import { createOperator } from './operator.ts';

const SHUTDOWN_DEADLINE_MS = 20_000;

function readServiceAccountNamespace(): string | undefined {
  const file = join(SERVICE_ACCOUNT_DIR, 'namespace');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

async function main(): Promise<void> {
  const serviceAccountNamespace = readServiceAccountNamespace();
  const { config, warnings } = parseEnv(process.env, { hostname: hostname(), ...(serviceAccountNamespace !== undefined ? { serviceAccountNamespace } : {}) });
  const log = createLogger({ level: config.logLevel, defaultMeta: { service: 'chaos-monkey', identity: config.podName } });
  for (const warning of warnings) log.warn(warning);

  const source = detectFromProcess();
  let connection: KubeConnection;
  let stopDemo: (() => Promise<void>) | undefined;
  if (source.kind === 'none') {
    // Loaded only here: the demo pulls in the sandbox and the webhook.
    const { startDemo } = await import('./demo.ts');
    const demo = await startDemo({ log: log.child({ component: 'demo' }), operatorNamespace: config.namespace });
    connection = demo.connection;
    stopDemo = demo.stop;
    log.info(`no cluster found: running the demo on the embedded API server at ${demo.url}, kubeconfig written to ${demo.kubeconfigPath}`, {
      url: demo.url,
      kubeconfig: demo.kubeconfigPath,
      hint: `kubectl --kubeconfig ${demo.kubeconfigPath} get cmc,pods -n demo`,
    });
  } else {
    connection = connectTo(source);
    log.info('connecting to cluster', { server: connection.server, source: source.kind, ...(source.kind === 'kubeconfig' ? { kubeconfig: source.path } : {}) });
  }

  const operator = createOperator({ connection, config, log, httpPort: config.metricsPort });
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    // Exit 0 within the pod's grace period (30 s by default) even if the API server hangs.
    setTimeout(() => {
      log.warn('shutdown took too long, exiting', { afterMs: SHUTDOWN_DEADLINE_MS });
      process.exit(0);
    }, SHUTDOWN_DEADLINE_MS).unref();
    void (async () => {
      await operator.stop();
      await stopDemo?.();
      log.info('bye');
      process.exit(0);
    })().catch((error: unknown) => {
      log.error('shutdown failed', { error: error instanceof Error ? error.message : String(error) });
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  await operator.start();
  log.info('chaos-monkey operator started', {
    behavior: config.behavior,
    namespace: config.namespace,
    metricsPort: operator.httpPort,
    leaderElection: config.leaderElect,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`chaos-monkey failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
