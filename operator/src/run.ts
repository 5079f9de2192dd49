/**
 * The operator as a process (style.md convention 13), shared by the image's entry (main.ts) and
 * `npm start`'s launcher: read the environment, build the logger, connect, build and run the
 * operator, and stop everything in reverse order on SIGTERM or SIGINT, exiting 0. A start-up
 * failure prints one line to stderr and exits 1.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from './config/env.ts';
import type { LogFormat, OperatorConfig } from './config/env.ts';
import { ClusterConfigError, connectTo, detectFromProcess, SERVICE_ACCOUNT_DIR } from './kube/connect.ts';
import type { ClusterSource, KubeConnection } from './kube/connect.ts';
import { createLogger, resolveLogFormat } from './log/logger.ts';
import type { OperatorLogger } from './log/logger.ts';
import { createOperator } from './operator.ts';

const SHUTDOWN_DEADLINE_MS = 20_000;

/** What {@link RunOptions.connect} gets. */
export interface RunContext {
  config: OperatorConfig;
  log: OperatorLogger;
  /** The format the log is written in (CHAOSMONKEY_LOG_FORMAT, else text on a terminal). */
  logFormat: LogFormat;
}

/** A connection plus what to stop after the operator (in reverse start order). */
export interface RunConnection {
  connection: KubeConnection;
  stop?: () => Promise<void>;
}

/** Options of {@link runOperatorProcess}. */
export interface RunOptions {
  /** Finds the cluster; default {@link connectToConfiguredCluster}. */
  connect?: (context: RunContext) => Promise<RunConnection>;
  /** Called once the operator has started, with the port of /metrics. */
  onStarted?: (context: RunContext & { httpPort: number | undefined }) => void;
}

function readServiceAccountNamespace(): string | undefined {
  const file = join(SERVICE_ACCOUNT_DIR, 'namespace');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/**
 * The cluster of the in-cluster service account, KUBECONFIG or ~/.kube/config. Throws
 * {@link ClusterConfigError} when there is none, or in a pod whose credentials are unusable.
 */
export async function connectToConfiguredCluster({ log }: RunContext, source: ClusterSource = detectFromProcess()): Promise<RunConnection> {
  if (source.kind === 'none') {
    throw new ClusterConfigError('no cluster found: set KUBECONFIG, write ~/.kube/config, or run in a pod (`npm start` runs a demo when there is no cluster)');
  }
  const connection = connectTo(source);
  log.info('connecting to cluster', { server: connection.server, source: source.kind, ...(source.kind === 'kubeconfig' ? { kubeconfig: source.path } : {}) });
  return { connection };
}

async function run(options: RunOptions): Promise<void> {
  const serviceAccountNamespace = readServiceAccountNamespace();
  const { config, warnings } = parseEnv(process.env, { hostname: hostname(), ...(serviceAccountNamespace !== undefined ? { serviceAccountNamespace } : {}) });
  const terminal = process.stdout.isTTY === true;
  const logFormat = resolveLogFormat(config.logFormat, terminal);
  const log = createLogger({
    level: config.logLevel,
    format: logFormat,
    color: terminal && (process.env.NO_COLOR ?? '') === '',
    defaultMeta: { service: 'chaos-monkey', identity: config.podName },
  });
  for (const warning of warnings) log.warn(warning);
  const context: RunContext = { config, log, logFormat };

  const { connection, stop: stopConnection } = await (options.connect ?? connectToConfiguredCluster)(context);
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
      await stopConnection?.();
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
    leaderElection: operator.permissions?.leaderElection ?? config.leaderElect,
  });
  options.onStarted?.({ ...context, httpPort: operator.httpPort });
}

/**
 * Runs the operator until SIGTERM/SIGINT. A start-up failure writes `chaos-monkey failed to start:`
 * and the reason to stderr (the stack only for unexpected errors) and exits 1.
 */
export function runOperatorProcess(options: RunOptions = {}): void {
  run(options).catch((error: unknown) => {
    const reason = error instanceof ClusterConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`chaos-monkey failed to start: ${reason}\n`);
    process.exit(1);
  });
}
