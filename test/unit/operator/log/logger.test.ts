import { expect, test } from '@jest/globals';
import { childLogger, createLogger, createMemorySink, formatTextLine, resolveLogFormat } from '../../../../operator/src/log/logger.ts';
import { Writable } from 'node:stream';
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

test('text format: one readable line per entry with time, level, component, message and the fields, default meta left out', async () => {
  const written: string[] = [];
  const stream = new Writable({ write(chunk: Buffer, _e, cb): void { written.push(chunk.toString('utf8')); cb(); } });
  const log = createLogger({ level: 'info', stream, format: 'text', defaultMeta: { service: 'chaos-monkey', identity: 'pod-1' } });
  log.child({ component: 'chaos' }).info('chaos action', { namespace: 'demo', mode: 'killPod', reason: 'killed one of 4 pods', latenessMs: 2 });
  log.debug('not written');
  await flushPromises();
  const lines = written.join('').split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO {2}\[chaos\] chaos action namespace=demo mode=killPod reason="killed one of 4 pods" latenessMs=2$/);
});

test('formatTextLine quotes what needs it, renders objects as JSON and puts a stack below, indented', () => {
  expect(formatTextLine({ level: 'warn', message: 'm', timestamp: 't', a: '', b: 'x=y', c: { d: [1] }, e: true, f: undefined })).toBe('t WARN  m a="" b="x=y" c={"d":[1]} e=true');
  expect(formatTextLine({ level: 'error', message: 'boom', stack: 'Error: boom\n  at f' })).toBe('ERROR boom\n    Error: boom\n      at f');
  expect(formatTextLine({ level: 'info', message: 'm', service: 's' }, { omit: new Set(['service']), color: true })).toBe('\u001b[34mINFO \u001b[0m m');
});

test.each([
  [undefined, true, 'text'],
  [undefined, false, 'json'],
  ['json', true, 'json'],
  ['text', false, 'text'],
] as const)('format chosen %s, terminal %s -> %s', (chosen, tty, expected) => {
  expect(resolveLogFormat(chosen, tty)).toBe(expected);
});
