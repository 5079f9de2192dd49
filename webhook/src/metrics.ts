/** Prometheus metrics of the webhook, on a private prom-client Registry (no global state). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConversionDirection } from './convert.ts';

/** Every metric the webhook exports. Build one per webhook instance. */
export interface WebhookMetrics {
  readonly registry: Registry;
  /** Objects converted, by direction (`v1alpha1->v1`, `v1->v1alpha1`, `identity`, `invalid`) and result (`success`, `failure`). */
  readonly conversions: Counter<'direction' | 'result'>;
  /** Time to answer one ConversionReview (parse, convert, serialise), by result. */
  readonly reviewDuration: Histogram<'result'>;
  /** HTTP answers by path class and status code. */
  readonly requests: Counter<'path' | 'code'>;
  /** Certificate (re)loads by source (`file`, `secret`) and result. */
  readonly certificateLoads: Counter<'source' | 'result'>;
  /** notAfter of the serving certificate, in Unix seconds. */
  readonly certificateExpiry: Gauge;
  /** Prometheus text exposition. */
  render(): Promise<string>;
  readonly contentType: string;
}

/**
 * Creates the webhook metrics on a fresh Registry.
 * @param options.defaultMetrics also collect Node process metrics (process_*, nodejs_*); default true.
 */
export function createWebhookMetrics(options: { defaultMetrics?: boolean } = {}): WebhookMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const conversions = new Counter({
    name: 'chaosmonkey_webhook_conversions_total',
    help: 'Objects handled by the conversion webhook, by direction and result',
    labelNames: ['direction', 'result'] as const,
    registers: [registry],
  });
  const reviewDuration = new Histogram({
    name: 'chaosmonkey_webhook_review_duration_seconds',
    help: 'Time to answer one ConversionReview, by result',
    labelNames: ['result'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers: [registry],
  });
  const requests = new Counter({
    name: 'chaosmonkey_webhook_http_requests_total',
    help: 'HTTP answers of the webhook server, by path and status code',
    labelNames: ['path', 'code'] as const,
    registers: [registry],
  });
  const certificateLoads = new Counter({
    name: 'chaosmonkey_webhook_certificate_loads_total',
    help: 'Serving certificate loads and reloads, by source and result',
    labelNames: ['source', 'result'] as const,
    registers: [registry],
  });
  const certificateExpiry = new Gauge({
    name: 'chaosmonkey_webhook_certificate_expiry_timestamp_seconds',
    help: 'notAfter of the serving certificate in use, Unix seconds',
    registers: [registry],
  });
  return {
    registry, conversions, reviewDuration, requests, certificateLoads, certificateExpiry,
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

/** Counts each object's direction with the review's result; a review refused before its objects counts once as `invalid`. */
export function countConversions(metrics: WebhookMetrics, directions: readonly ConversionDirection[], result: 'success' | 'failure'): void {
  if (directions.length === 0) {
    // A review refused before any object was looked at (bad envelope): one invalid failure.
    if (result === 'failure') metrics.conversions.inc({ direction: 'invalid', result });
    return;
  }
  let v1 = 0;
  let alpha = 0;
  let identity = 0;
  let invalid = 0;
  for (const d of directions) {
    if (d === 'v1alpha1->v1') v1++;
    else if (d === 'v1->v1alpha1') alpha++;
    else if (d === 'identity') identity++;
    else invalid++;
  }
  if (v1 > 0) metrics.conversions.inc({ direction: 'v1alpha1->v1', result }, v1);
  if (alpha > 0) metrics.conversions.inc({ direction: 'v1->v1alpha1', result }, alpha);
  if (identity > 0) metrics.conversions.inc({ direction: 'identity', result }, identity);
  if (invalid > 0) metrics.conversions.inc({ direction: 'invalid', result }, invalid);
}
