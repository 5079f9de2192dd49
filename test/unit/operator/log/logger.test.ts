import { expect, test } from '@jest/globals';
import { childLogger, createLogger, createMemorySink } from '../../../../operator/src/log/logger.ts';
import { flushPromises } from '../../../support/fake-clock.ts';

test('writes one JSON line per entry with level, message, timestamp and meta', async () => {
  const sink = createMemorySink();
  const log = createLogger({ level: 'info', stream: sink.stream });
  log.info('pod killed', { namespace: 'demo', cmc: 'c1' });
  await flushPromises();
  expect(sink.lines).toHaveLength(1);
  expect(sink.lines[0]).toMatchObject({ level: 'info', message: 'pod killed', namespace: 'demo', cmc: 'c1' });
  expect(typeof sink.lines[0]!.timestamp).toBe('string');
});

test.each([
  ['panic', ['panic']],
  ['critical', ['panic', 'critical']],
  ['error', ['panic', 'critical', 'error']],
  ['warn', ['panic', 'critical', 'error', 'warn']],
  ['info', ['panic', 'critical', 'error', 'warn', 'info']],
  ['debug', ['panic', 'critical', 'error', 'warn', 'info', 'debug']],
  ['trace', ['panic', 'critical', 'error', 'warn', 'info', 'debug', 'trace']],
] as const)('level %s writes %j', async (level, expected) => {
  const sink = createMemorySink();
  const log = createLogger({ level, stream: sink.stream });
  for (const l of ['panic', 'critical', 'error', 'warn', 'info', 'debug', 'trace'] as const) log[l](l);
  await flushPromises();
  expect(sink.lines.map((l) => l.level)).toEqual(expected);
});

test('childLogger adds a fixed component field', async () => {
  const sink = createMemorySink();
  const log = createLogger({ level: 'debug', stream: sink.stream, defaultMeta: { service: 'cm' } });
  childLogger(log, 'wheel', { uid: 'u1' }).debug('armed');
  await flushPromises();
  expect(sink.lines[0]).toMatchObject({ component: 'wheel', uid: 'u1', service: 'cm', message: 'armed', level: 'debug' });
});
