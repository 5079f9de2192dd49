/**
 * Loads croner (docs/adr/0006) on first use, synchronously, so an operator whose CMCs set no
 * `spec.schedule` never loads it (issue 13's idle memory). Also the cron checker of api/validate.ts.
 */
import { createRequire } from 'node:module';
import type { CronChecker } from '../../../api/validate.ts';
import type { CronCtor } from './calendar.ts';

let loaded: CronCtor | undefined;

/** The croner constructor, loaded once. */
export function loadCron(): CronCtor {
  loaded ??= (createRequire(import.meta.url)('croner') as { Cron: CronCtor }).Cron;
  return loaded;
}

/** True once a CMC needed croner. */
export function cronLoaded(): boolean {
  return loaded !== undefined;
}

/** {@link CronChecker} backed by croner: its parse error, or "never matches" when no date fits (e.g. Feb 30). */
export const checkCronWithCroner: CronChecker = (expression, timeZone) => {
  const Cron = loadCron();
  try {
    const cron = new Cron(expression, { timezone: timeZone, paused: true });
    return cron.nextRun() === null ? 'cron expression matches no date' : undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
};
