import { expect, test } from '@jest/globals';
import { healthBody } from '../../../../operator/src/http/health.ts';

test.each([
  ['info', 'AllowAll', 'info', 'ALLOWALL'],
  ['warn', 'DenyAll', 'warning', 'DENYALL'],
  ['critical', 'AllowAll', 'fatal', 'ALLOWALL'],
  ['trace', 'denyall', 'trace', 'DENYALL'],
])('level %s, behavior %s -> loglevel %s, behavior %s', (logLevel, behavior, loglevel, upper) => {
  const body = healthBody({ rootNamespace: 'chaosmonkey', behavior, logLevel, informers: 2, scheduledEntries: 5 });
  expect(body).toEqual({ status: 'up', root_namespace: 'chaosmonkey', behavior: upper, loglevel, total_watchers: 8 });
  expect(Object.keys(body)).toEqual(['status', 'root_namespace', 'behavior', 'loglevel', 'total_watchers']);
});
