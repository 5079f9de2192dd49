/**
 * A Prometheus histogram whose state per label set is one small typed array.
 *
 * Why: prom-client's Histogram gives every label set its own copy of an object keyed by the bucket
 * bounds; with the seed's integer microsecond bounds (0..2000) V8 stores that object as a
 * 2,001-slot array: about 24 KB per namespace for `chaos_monkey_crdwatcher_event_duration`, 24 MB
 * at 1,000 namespaces (heap snapshots of the operator benchmark). The exposition is the same as
 * prom-client's: `_bucket` series per bound (cumulative) and `+Inf`, then `_sum` and `_count`.
 */
import type { Metric, Registry } from 'prom-client';

/** Options of {@link CompactHistogram}. */
export interface CompactHistogramOptions<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  /** Upper bounds, ascending; `+Inf` is implied. */
  buckets: readonly number[];
  registers: readonly Registry[];
}

interface Series<L extends string> {
  labels: Readonly<Record<L, string>>;
  /** Non-cumulative count per bound; the last slot counts values above every bound. */
  counts: Float64Array;
  sum: number;
  count: number;
}

/** One exposed sample, in the shape prom-client's Registry formats. */
export interface HistogramSample {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/** A histogram with prom-client's exposition and a compact per-label-set state. Never throws on observe. */
export class CompactHistogram<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #labelNames: readonly L[];
  readonly #bounds: readonly number[];
  readonly #series = new Map<string, Series<L>>();

  constructor(options: CompactHistogramOptions<L>) {
    this.name = options.name;
    this.help = options.help;
    this.#labelNames = [...options.labelNames];
    this.#bounds = [...options.buckets].sort((a, b) => a - b);
    // The Registry only reads name, help, type, aggregator, get() and reset(): the duck type of
    // prom-client's own metrics, whose TypeScript union (Counter | Gauge | ...) names classes only.
    for (const registry of options.registers) registry.registerMetric(this as unknown as Metric);
  }

  /** Counts `value` (same unit as the bounds) for the label set. Non-finite values are ignored. */
  observe(labels: Readonly<Record<L, string>>, value: number): void {
    if (!Number.isFinite(value)) return;
    const key = this.#labelNames.map((n) => labels[n]).join('\u0000');
    let series = this.#series.get(key);
    if (series === undefined) {
      series = { labels: { ...labels }, counts: new Float64Array(this.#bounds.length + 1), sum: 0, count: 0 };
      this.#series.set(key, series);
    }
    let i = 0;
    while (i < this.#bounds.length && value > (this.#bounds[i] as number)) i += 1;
    series.counts[i] = (series.counts[i] ?? 0) + 1;
    series.sum += value;
    series.count += 1;
  }

  /** Forgets the series of one label set (no-op when it has none). */
  remove(labels: Readonly<Record<L, string>>): void {
    this.#series.delete(this.#labelNames.map((n) => labels[n]).join('\u0000'));
  }

  /** Forgets every label set. */
  reset(): void {
    this.#series.clear();
  }

  /** The samples, as prom-client's Registry expects them from `get()`. */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: HistogramSample[] }> {
    const values: HistogramSample[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.#series.values()) {
      let cumulative = 0;
      this.#bounds.forEach((le, i) => {
        cumulative += s.counts[i] ?? 0;
        values.push({ metricName: bucket, labels: { ...s.labels, le }, value: cumulative });
      });
      values.push({ metricName: bucket, labels: { ...s.labels, le: '+Inf' }, value: s.count });
      values.push({ metricName: `${this.name}_sum`, labels: { ...s.labels }, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: { ...s.labels }, value: s.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
