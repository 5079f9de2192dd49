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

test('a line is the one winston writes for the same entry (child meta, default meta, meta message and stack, both formats)', async () => {
  const { default: winston } = await import('winston');
  const collect = (): { stream: Writable; text: () => string } => {
    const chunks: string[] = [];
    const stream = new Writable({ write(chunk: Buffer, _e, cb): void { chunks.push(chunk.toString('utf8')); cb(); } });
    return { stream, text: () => chunks.join('').replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, 'T') };
  };
  for (const format of ['json', 'text'] as const) {
    const ours = collect();
    const theirs = collect();
    const defaultMeta = { service: 'chaos-monkey', identity: 'pod-1' };
    const log = createLogger({ level: 'debug', stream: ours.stream, format, defaultMeta });
    const omit = new Set(Object.keys(defaultMeta));
    const reference = winston.createLogger({
      levels: { panic: 0, critical: 1, error: 2, warn: 3, info: 4, debug: 5, trace: 6 },
      level: 'debug',
      defaultMeta,
      format: winston.format.combine(winston.format.timestamp(), winston.format.errors({ stack: true }), format === 'text' ? winston.format.printf((info) => formatTextLine(info, { omit })) : winston.format.json()),
      transports: [new winston.transports.Stream({ stream: theirs.stream })],
    }) as unknown as typeof log;
    for (const l of [log, reference]) {
      l.info('plain');
      l.child({ component: 'chaos', uid: 'u1' }).child({ uid: 'u2' }).warn('chaos action', { namespace: 'demo', count: 2, nested: { a: [1] } });
      l.error('failed', { message: 'more', stack: 'Error: more\n  at f', service: 'override' });
      l.trace('not written');
    }
    await flushPromises();
    expect(ours.text()).toBe(theirs.text());
    expect(ours.text().split('\n').filter((x) => /^(T |\{)/.test(x))).toHaveLength(3);
  }
});
