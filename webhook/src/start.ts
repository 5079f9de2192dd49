/**
 * Composition of the webhook: certificate source (files or self-managed) + HTTPS server + metrics + logs.
 * Used by main.ts (standalone) and by the operator's demo mode (`npm start`).
 */
import { X509Certificate } from 'node:crypto';
import { readCertificateFiles, watchCertificateFiles } from './cert-files.ts';
import type { CertificateWatcher } from './cert-files.ts';
import { startSelfManagedCertificates } from './certs.ts';
import type { SelfManagedCertificates, SelfManagedOptions } from './certs.ts';
import { connectWebhookKube } from './kube.ts';
import type { KubeConnection } from './kube.ts';
import { createWebhookLogger } from './log.ts';
import type { WebhookLogLevel, WebhookLogger } from './log.ts';
import { createWebhookMetrics } from './metrics.ts';
import type { WebhookMetrics } from './metrics.ts';
import { startWebhookServer } from './server.ts';
import type { TlsMaterial, WebhookServer } from './server.ts';

/** The seed's HTTPS port. */
export const DEFAULT_WEBHOOK_PORT = 9443;

/** Options of {@link startWebhook}. Exactly one certificate source: `certFile`+`keyFile`, or `selfManaged`. */
export interface StartWebhookOptions {
  /** Port; default 9443; 0 picks a free one. */
  port?: number;
  /** Bind address; default `0.0.0.0`. */
  host?: string;
  /** Certificate files mode: PEM paths, reloaded when they change. */
  certFile?: string;
  keyFile?: string;
  /** Stat fallback period of the file watcher, ms (default 10 s). */
  certReloadIntervalMs?: number;
  /**
   * Self-managed mode: the namespace of the Secret and Service; `kube` is the API server to use
   * (default: in-cluster credentials). Other fields as in certs.ts.
   */
  selfManaged?: Omit<SelfManagedOptions, 'client' | 'logger'> & { kube?: KubeConnection; checkIntervalMs?: number };
  logger?: WebhookLogger;
  logLevel?: WebhookLogLevel;
  metrics?: WebhookMetrics;
}

/** A running webhook. */
export interface RunningWebhook {
  port: number;
  /** PEM of the CA that signed the serving certificate (self-managed mode), or the served chain (files mode). */
  caPem: string;
  metrics: WebhookMetrics;
  /** Stops certificate renewal/watching and the server (graceful). Idempotent. */
  stop(): Promise<void>;
}

function expirySeconds(certPem: string): number | undefined {
  try {
    return new Date(new X509Certificate(certPem).validTo).getTime() / 1000;
  } catch {
    return undefined;
  }
}

/**
 * Starts the webhook.
 * @throws Error when no or both certificate sources are given, when the certificate cannot be read or
 *   issued, or when the port cannot be bound.
 */
export async function startWebhook(options: StartWebhookOptions): Promise<RunningWebhook> {
  const logger = options.logger ?? createWebhookLogger({ level: options.logLevel ?? 'info' });
  const metrics = options.metrics ?? createWebhookMetrics();
  const fileMode = options.certFile !== undefined || options.keyFile !== undefined;
  if (fileMode === (options.selfManaged !== undefined)) throw new Error('give either certFile and keyFile, or selfManaged (exactly one certificate source)');

  let server: WebhookServer | undefined;
  let watcher: CertificateWatcher | undefined;
  let managed: SelfManagedCertificates | undefined;
  let initial: TlsMaterial;
  let caPem: string;
  const applied = (material: TlsMaterial, source: 'file' | 'secret'): void => {
    metrics.certificateLoads.inc({ source, result: 'success' });
    const exp = expirySeconds(material.cert);
    if (exp !== undefined) metrics.certificateExpiry.set(exp);
  };

  if (fileMode) {
    if (options.certFile === undefined || options.keyFile === undefined) throw new Error('certFile and keyFile go together');
    initial = await readCertificateFiles({ certFile: options.certFile, keyFile: options.keyFile });
    caPem = initial.cert;
  } else {
    const sm = options.selfManaged!;
    managed = await startSelfManagedCertificates({
      ...sm,
      client: connectWebhookKube(sm.kube),
      logger,
      onRotate: (bundle) => {
        const material = { cert: bundle.certPem, key: bundle.keyPem };
        try {
          server?.setCertificate(material);
          applied(material, 'secret');
        } catch (err) {
          metrics.certificateLoads.inc({ source: 'secret', result: 'failure' });
          logger.error('rotated certificate rejected; keeping the previous one', { error: (err as Error).message });
        }
      },
    });
    const bundle = managed.current();
    initial = { cert: bundle.certPem, key: bundle.keyPem };
    caPem = bundle.caBundlePem;
  }

  try {
    server = await startWebhookServer({ port: options.port ?? DEFAULT_WEBHOOK_PORT, host: options.host, tls: initial, logger, metrics });
  } catch (err) {
    managed?.stop();
    throw err;
  }
  applied(initial, fileMode ? 'file' : 'secret');

  if (fileMode) {
    const files = { certFile: options.certFile!, keyFile: options.keyFile! };
    watcher = watchCertificateFiles({
      ...files,
      current: initial,
      intervalMs: options.certReloadIntervalMs,
      onChange: (material) => {
        server!.setCertificate(material); // throws on a bad pair: the watcher retries later
        applied(material, 'file');
        logger.info('certificate reloaded from files', files);
      },
      onError: (err) => {
        metrics.certificateLoads.inc({ source: 'file', result: 'failure' });
        logger.warn('certificate files not usable yet; keeping the current certificate', { ...files, error: err.message });
      },
    });
  }
  logger.info('webhook listening', { port: server.port, certificates: fileMode ? 'files' : 'self-managed' });

  let stopping: Promise<void> | undefined;
  const running = server;
  return {
    port: running.port,
    caPem,
    metrics,
    stop(): Promise<void> {
      stopping ??= (async () => {
        watcher?.close();
        managed?.stop();
        await running.close();
        logger.info('webhook stopped');
      })();
      return stopping;
    },
  };
}
