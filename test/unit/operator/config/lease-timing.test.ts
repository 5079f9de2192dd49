/**
 * Leader-election timing: client-go's ratios derived from the lease duration and its validation
 * (lease > renew deadline > 1.2 x retry period).
 */
import { describe, expect, test } from '@jest/globals';
import { leaseTiming } from '../../../../operator/src/config/lease-timing.ts';

describe('leaseTiming', () => {
  test("15 s gives client-go's defaults: renew deadline 10 s, retry period 2 s", () => {
    expect(leaseTiming(15_000)).toEqual({ ok: true, timing: { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 } });
  });

  test.each([1_000, 2_000, 3_000, 60_000])('%i ms: derived values satisfy the rules (renew well before the deadline)', (lease) => {
    const r = leaseTiming(lease);
    if (!r.ok) throw new Error(r.error);
    const { renewDeadlineMs, retryPeriodMs } = r.timing;
    expect(renewDeadlineMs).toBeLessThan(lease);
    expect(renewDeadlineMs).toBeGreaterThan(1.2 * retryPeriodMs);
    expect(renewDeadlineMs / retryPeriodMs).toBeGreaterThanOrEqual(4.9); // five renewals per deadline, as 10 s / 2 s
  });

  test('the old fixed 2 s retry with a 1 s or 2 s lease is refused', () => {
    expect(leaseTiming(1_000, { retryPeriodMs: 2_000 })).toEqual({
      ok: false,
      error: 'lease duration 1000 ms, renew deadline 666 ms, retry period 2000 ms: the renew deadline must be greater than 1.2 x the retry period',
    });
    expect(leaseTiming(2_000, { retryPeriodMs: 2_000 }).ok).toBe(false);
  });

  test('renew deadline not below the lease duration, and non-positive values, are refused', () => {
    expect(leaseTiming(15_000, { renewDeadlineMs: 15_000 })).toMatchObject({ ok: false, error: expect.stringContaining('lease duration must be greater than the renew deadline') });
    expect(leaseTiming(15_000, { retryPeriodMs: 0 })).toMatchObject({ ok: false, error: expect.stringContaining('greater than zero') });
    expect(leaseTiming(0).ok).toBe(false);
  });

  test('explicit consistent overrides are kept as given', () => {
    expect(leaseTiming(15_000, { renewDeadlineMs: 12_000, retryPeriodMs: 1_000 })).toEqual({ ok: true, timing: { leaseDurationMs: 15_000, renewDeadlineMs: 12_000, retryPeriodMs: 1_000 } });
  });
});
