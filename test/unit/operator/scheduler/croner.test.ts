/** croner is loaded only when a CMC uses spec.schedule (issue 13's idle memory; docs/adr/0006). */
import { expect, test } from '@jest/globals';
import { checkCronWithCroner, cronLoaded, loadCron } from '../../../../operator/src/scheduler/croner.ts';
import { desiredSchedule } from '../../../../operator/src/reconcile/desired.ts';
import { aCmc, aNamespace } from '../../../support/builders.ts';

test('scheduling a CMC without spec.schedule does not load croner; the first one with it does', () => {
  const config = { behavior: 'AllowAll' as const, namespace: 'chaosmonkey', targetSelf: false };
  const cron = { load: loadCron, check: checkCronWithCroner };
  const plain = desiredSchedule({ cmc: aCmc(), namespace: aNamespace(), config, now: 0, existing: undefined, cron });
  expect(plain.kind).toBe('schedule');
  expect(cronLoaded()).toBe(false);
  const scheduled = desiredSchedule({ cmc: aCmc({ spec: { timeout: undefined, schedule: { cron: '*/5 * * * *' } } }), namespace: aNamespace(), config, now: 0, existing: undefined, cron });
  expect(scheduled).toMatchObject({ kind: 'schedule', dueAt: 5 * 60_000 });
  expect(cronLoaded()).toBe(true);
});
