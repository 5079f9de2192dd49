import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { CompactHistogram } from '../../../../operator/src/metrics/compact-histogram.ts';
import { SEED_EVENT_DURATION_BUCKETS_US } from '../../../../operator/src/metrics/registry.ts';

/** Exposition lines as a sorted set of "name{sorted labels} value" (label order is not significant). */
function samples(text: string): string[] {
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((line) => {
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null) throw new Error(`unparsable line ${line}`);
    const labels = (m[2] ?? '').split(/,(?=[a-z_]+=")/).filter((p) => p !== '').sort().join(',');
    return `${m[1]}{${labels}} ${m[3]}`;
  }).sort();
}

function pair(): { compact: CompactHistogram<'namespace'>; reference: Histogram<'namespace'>; ours: Registry; theirs: Registry } {
  const ours = new Registry();
  const theirs = new Registry();
  const options = { name: 'x_event_duration', help: 'help text', labelNames: ['namespace'] as const, buckets: SEED_EVENT_DURATION_BUCKETS_US };
  const compact = new CompactHistogram({ ...options, registers: [ours] });
  const reference = new Histogram({ ...options, labelNames: ['namespace'], buckets: [...options.buckets], registers: [theirs] });
  return { compact, reference, ours, theirs };
}

describe('CompactHistogram', () => {
  test('exposes nothing before the first observation, and HELP/TYPE like prom-client', async () => {
    const { ours, theirs } = pair();
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  test('gives the same samples as prom-client for the same observations (boundaries included)', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.tuple(fc.constantFrom('a', 'b', 'ns-3'), fc.oneof(fc.constantFrom(0, 5, 10, 2000, 2001), fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0, max: 3000, noNaN: true }))), { maxLength: 60 }),
      async (observations) => {
        const { compact, reference, ours, theirs } = pair();
        for (const [namespace, value] of observations) {
          compact.observe({ namespace }, value);
          reference.observe({ namespace }, value);
        }
        expect(samples(await ours.metrics())).toEqual(samples(await theirs.metrics()));
      },
    ), { numRuns: 100 });
  });

  test('ignores non-finite values instead of throwing, and reset forgets every series', async () => {
    const { compact, ours } = pair();
    compact.observe({ namespace: 'a' }, Number.NaN);
    compact.observe({ namespace: 'a' }, Number.POSITIVE_INFINITY);
    expect(samples(await ours.metrics())).toEqual([]);
    compact.observe({ namespace: 'a' }, 7);
    expect(samples(await ours.metrics())).toContain('x_event_duration_bucket{le="10",namespace="a"} 1');
    compact.reset();
    expect(samples(await ours.metrics())).toEqual([]);
  });
});
