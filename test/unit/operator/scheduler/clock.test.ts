import { expect, test } from '@jest/globals';
import { systemClock } from '../../../../operator/src/scheduler/clock.ts';

test('systemClock.now follows the wall clock', () => {
  const before = Date.now();
  const now = systemClock.now();
  expect(now).toBeGreaterThanOrEqual(before);
  expect(now).toBeLessThanOrEqual(Date.now());
});

test('systemClock.setTimer fires once after the delay, and cancel prevents firing', async () => {
  const start = Date.now();
  const firedAt = await new Promise<number>((resolve) => systemClock.setTimer(20, () => resolve(Date.now())));
  expect(firedAt - start).toBeGreaterThanOrEqual(19);
  let cancelledFired = false;
  const cancel = systemClock.setTimer(5, () => {
    cancelledFired = true;
  });
  cancel();
  cancel(); // idempotent
  await new Promise<void>((resolve) => systemClock.setTimer(30, resolve));
  expect(cancelledFired).toBe(false);
});
