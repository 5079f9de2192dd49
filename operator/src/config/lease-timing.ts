/**
 * Leader-election timing (issue 9 point 5). client-go's defaults are lease 15 s, renew deadline
 * 10 s, retry period 2 s; we keep those ratios for any lease duration (renew deadline = 2/3 of
 * the lease, retry period = 2/15 of it) and apply client-go's own checks
 * (leaderelection.NewLeaderElector): lease > renew deadline > retry period x 1.2 (JitterFactor),
 * every value > 0. A leader that renews less often than its renew deadline would step down and
 * re-elect itself in a loop; these rules make that impossible. Pure.
 */

/** client-go's JitterFactor: the renew deadline must exceed the retry period by this factor. */
export const LEASE_JITTER_FACTOR = 1.2;

/** Resolved leader-election timing, milliseconds. */
export interface LeaseTiming {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/** The result of {@link leaseTiming}: the timing, or why the combination is refused. */
export type LeaseTimingResult = { ok: true; timing: LeaseTiming } | { ok: false; error: string };

/**
 * Derives the timing missing from `leaseDurationMs` and validates the whole. Each explicit
 * override is used as given.
 */
export function leaseTiming(leaseDurationMs: number, overrides: { renewDeadlineMs?: number; retryPeriodMs?: number } = {}): LeaseTimingResult {
  const renewDeadlineMs = overrides.renewDeadlineMs ?? Math.floor((leaseDurationMs * 2) / 3);
  const retryPeriodMs = overrides.retryPeriodMs ?? Math.floor((leaseDurationMs * 2) / 15);
  const timing = { leaseDurationMs, renewDeadlineMs, retryPeriodMs };
  const text = `lease duration ${leaseDurationMs} ms, renew deadline ${renewDeadlineMs} ms, retry period ${retryPeriodMs} ms`;
  if (![leaseDurationMs, renewDeadlineMs, retryPeriodMs].every((v) => Number.isFinite(v) && v > 0)) {
    return { ok: false, error: `${text}: every value must be greater than zero` };
  }
  if (leaseDurationMs <= renewDeadlineMs) return { ok: false, error: `${text}: the lease duration must be greater than the renew deadline` };
  if (renewDeadlineMs <= LEASE_JITTER_FACTOR * retryPeriodMs) {
    return { ok: false, error: `${text}: the renew deadline must be greater than ${LEASE_JITTER_FACTOR} x the retry period` };
  }
  return { ok: true, timing };
}
