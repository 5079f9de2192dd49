/**
 * The pure parts of the operator benchmark (bench/figures.ts, bench/shipped.ts, the flag parser):
 * per verb/resource aggregation, where kube-apiserver 1.28 serves a read from, /proc stat parsing,
 * ratio formatting, what ships according to a Dockerfile, and the bench flags. No timing is asserted.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuTicks, figureTable, formatPerAction, formatRatio, formatTable, perActionTable, perVerbResource, quantile, readSource, requestKey, requestsPerMode } from '../../../bench/figures.ts';
import type { MeasuredRun, RequestLine } from '../../../bench/figures.ts';
import { parseShipped } from '../../../bench/shipped.ts';
import { benchArgs } from '../../../bench/args.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('readSource: where kube-apiserver 1.28 serves a read from', () => {
  test.each([
    ['get', undefined, 'quorum'],
    ['get', 'resourceVersion=', 'quorum'],
    ['get', 'resourceVersion=0', 'cache'],
    ['get', 'resourceVersion=123', 'cache'],
    ['list', 'labelSelector=app%3Dweb', 'quorum'],
    ['list', 'resourceVersion=0&labelSelector=app%3Dweb', 'cache'],
    ['list', 'resourceVersion=0&limit=500', 'cache'],
    ['list', 'resourceVersion=42&limit=500', 'etcd'],
    ['list', 'resourceVersion=42', 'cache'],
    ['list', 'resourceVersion=42&resourceVersionMatch=NotOlderThan', 'cache'],
    ['list', 'resourceVersion=42&resourceVersionMatch=Exact', 'etcd'],
    ['list', 'resourceVersion=0&continue=abc', 'etcd'],
    ['watch', undefined, undefined],
    ['delete', undefined, undefined],
    ['update', 'resourceVersion=0', undefined],
  ] as const)('%s ?%s -> %s', (verb, query, expected) => {
    expect(readSource(verb, query)).toBe(expected);
  });
});

describe('perVerbResource', () => {
  const req = (verb: string, resource: string, extra: Partial<RequestLine> = {}): RequestLine => ({ verb, group: '', resource, ...extra });

  test('divides each verb and resource by the actions, most frequent first, and counts etcd reads with an example query', () => {
    const log: RequestLine[] = [
      ...Array.from({ length: 100 }, () => req('delete', 'pods')),
      ...Array.from({ length: 100 }, () => req('patch', 'chaosmonkeyconfigurations', { group: 'cm.massix.github.io', subresource: 'status' })),
      ...Array.from({ length: 100 }, (_, i) => req('list', 'pods', i < 30 ? { query: 'labelSelector=app%3Dweb' } : { query: 'resourceVersion=0&labelSelector=app%3Dweb' })),
      req('update', 'leases', { group: 'coordination.k8s.io' }),
      req('update', 'leases', { group: 'coordination.k8s.io' }),
      req('get', 'leases', { group: 'coordination.k8s.io' }),
    ];
    const lines = perVerbResource(log, 100);
    expect(lines.map((l) => [l.key, l.perAction, l.etcdReads])).toEqual([
      ['delete pods', 1, 0],
      ['list pods', 1, 30],
      ['patch chaosmonkeyconfigurations/status', 1, 0],
      ['update leases', 0.02, 0],
      ['get leases', 0.01, 1],
    ]);
    expect(lines.find((l) => l.key === 'list pods')?.etcdExample).toBe('labelSelector=app%3Dweb');
    expect(lines.find((l) => l.key === 'get leases')?.etcdExample).toBe('');
    expect(lines.find((l) => l.key === 'delete pods')?.etcdExample).toBeUndefined();
    expect(formatPerAction(lines)).toBe('delete pods 1.00, list pods 1.00, patch chaosmonkeyconfigurations/status 1.00, update leases 0.02, get leases 0.01');
  });

  test('no actions gives NaN rates (printed as -), never a throw; no requests gives no lines', () => {
    const lines = perVerbResource([req('get', 'leases')], 0);
    expect(lines[0]?.perAction).toBeNaN();
    expect(formatPerAction(lines)).toBe('get leases -');
    expect(perVerbResource([], 10)).toEqual([]);
  });

  test('requestKey names non-resource requests', () => {
    expect(requestKey(req('get', ''))).toBe('get (non-resource)');
    expect(requestKey(req('create', 'pods', { subresource: 'eviction' }))).toBe('create pods/eviction');
  });
});

describe('cpuTicks: utime + stime of /proc/<pid>/stat', () => {
  const rest = 'S 1 1 1 0 -1 4194304 101 0 0 0 250 40 0 0 20 0 11 0 2052664 3133440 390';

  test('reads fields 14 and 15', () => {
    expect(cpuTicks(`4242 (node) ${rest}`)).toBe(290);
  });

  test('a command name with spaces and parentheses does not shift the fields', () => {
    expect(cpuTicks(`4242 (MainThread) (x y) ${rest}`)).toBe(290);
  });

  test('this process\'s own stat parses to a whole number of ticks', () => {
    const ticks = cpuTicks(readFileSync('/proc/self/stat', 'utf8'));
    expect(Number.isInteger(ticks)).toBe(true);
    expect(ticks).toBeGreaterThanOrEqual(0);
  });

  test.each(['', 'garbage', '4242 (node) S 1 2 3'])('%j is not a stat line: NaN', (text) => {
    expect(cpuTicks(text)).toBeNaN();
  });
});

describe('formatting', () => {
  test.each([
    [3, 6, '0.50x'],
    [6, 3, '2.00x'],
    [1.5, 1.5, '1.00x'],
    [0, 0, '='],
    [2, 0, '-'],
    [NaN, 1, '-'],
    [1, Infinity, '-'],
  ])('ratio %p / %p -> %s', (now, old, expected) => {
    expect(formatRatio(now, old)).toBe(expected);
  });

  test('quantile: nearest rank below, NaN when empty', () => {
    expect(quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(quantile(Array.from({ length: 100 }, (_, i) => i + 1), 0.99)).toBe(100);
    expect(quantile([], 0.5)).toBeNaN();
  });

  test('formatTable pads every column to its widest cell', () => {
    expect(formatTable(['a', 'bb'], [['ccc', 'd']])).toBe('| a   | bb |\n|-----|----|\n| ccc | d  |');
  });
});

describe('parseShipped: what the image runs', () => {
  test('our Dockerfile: tsc in the build stage (npm ci left out), the compiled entry, NODE_OPTIONS', () => {
    const shipped = parseShipped(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
    expect(shipped).toBeDefined();
    expect(shipped?.build.some((c) => /\bnpm\s+ci\b/.test(c))).toBe(false);
    expect(shipped?.build.length).toBeGreaterThan(0);
    expect(shipped?.args[0]).toMatch(/^[^/].*\.m?js$/);
  });

  test('a bundled image: the build commands of the stage the code is copied from, deps stage ignored, /app paths made relative', () => {
    const dockerfile = [
      'FROM node:24 AS build',
      'WORKDIR /app',
      'RUN npm ci --no-audit \\',
      '  && node scripts/bundle.mjs',
      'FROM node:24 AS deps',
      'RUN npm ci --omit=dev && find node_modules -name "*.map" -delete',
      'FROM node:24',
      '# a comment',
      'ENV NODE_ENV=production \\',
      '    NODE_OPTIONS="--max-semi-space-size=2  --max-old-space-size=160"',
      'WORKDIR /app',
      'COPY --from=deps /app/node_modules ./node_modules',
      'COPY --from=build /app/dist ./dist',
      'ENTRYPOINT ["node"]',
      'CMD ["/app/dist/operator.mjs", "--flag"]',
    ].join('\n');
    expect(parseShipped(dockerfile)).toEqual({
      build: ['node scripts/bundle.mjs'],
      args: ['dist/operator.mjs', '--flag'],
      nodeArgs: ['--max-semi-space-size=2', '--max-old-space-size=160'],
      source: 'Dockerfile',
    });
  });

  test('V8 flags in the ENTRYPOINT are node flags; the script after them is made relative to the WORKDIR', () => {
    const dockerfile = ['FROM node:24', 'WORKDIR /app', 'ENTRYPOINT ["node", "--no-wasm-tier-up"]', 'CMD ["/app/dist/main.js", "--port=1"]'].join('\n');
    expect(parseShipped(dockerfile)).toEqual({ build: [], args: ['dist/main.js', '--port=1'], nodeArgs: ['--no-wasm-tier-up'], source: 'Dockerfile' });
  });

  test.each([
    ['no stage', ''],
    ['not started with node', 'FROM x\nENTRYPOINT ["/bin/operator"]'],
    ['shell-form CMD', 'FROM x\nCMD node main.js'],
  ])('%s: undefined (the bench falls back to operator/src/main.ts)', (_name, dockerfile) => {
    expect(parseShipped(dockerfile)).toBeUndefined();
  });
});

describe('benchArgs', () => {
  test('--compare <ref>, and nothing', () => {
    expect(benchArgs(['--compare', 'HEAD~5'])).toEqual({ compare: 'HEAD~5' });
    expect(benchArgs(['--compare=v0.1.0'])).toEqual({ compare: 'v0.1.0' });
    expect(benchArgs([])).toEqual({});
  });

  test.each([[['--compre', 'x']], [['extra']], [['--compare']], [['--compare', '']]])('%j is refused', (argv) => {
    expect(() => benchArgs(argv)).toThrow();
  });
});

describe('the printed tables', () => {
  const columns = [
    { key: 'requestsPerAction', header: 'requests/action', digits: 2 },
    { key: 'heap', header: 'heap MiB', digits: 0 },
  ];
  const now: MeasuredRun = {
    label: 'this tree',
    figures: { requestsPerAction: 3, heap: NaN },
    perAction: perVerbResource([{ verb: 'delete', group: '', resource: 'pods' }, { verb: 'list', group: '', resource: 'pods', query: 'resourceVersion=0' }], 1),
  };
  const old: MeasuredRun = {
    label: 'v0.1.0',
    figures: { requestsPerAction: 6, heap: 50 },
    perAction: perVerbResource([{ verb: 'delete', group: '', resource: 'pods' }, { verb: 'list', group: '', resource: 'pods' }, { verb: 'get', group: 'apps', resource: 'deployments' }], 1),
  };
  const rows = (table: string): string[][] => table.split('\n').slice(2).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));

  test('figureTable: a row per run and a ratio row (this tree / ref); a figure one side lacks is - in both', () => {
    expect(rows(figureTable('1,000 CMCs', columns, [now, old]))).toEqual([
      ['1,000 CMCs', 'this tree', '3.00', '-'],
      ['1,000 CMCs', 'v0.1.0', '6.00', '50'],
      ['1,000 CMCs', 'ratio new/old', '0.50x', '-'],
    ]);
  });

  test('figureTable with one run has no ratio row', () => {
    expect(rows(figureTable('idle', columns, [now]))).toHaveLength(1);
  });

  test('perActionTable: the union of lines (absent = 0), a ratio per line, etcd reads with their query', () => {
    expect(rows(perActionTable([now, old]))).toEqual([
      ['delete pods', '1.000', '1.000', '1.00x', ''],
      ['list pods', '1.000', '1.000', '1.00x', 'v0.1.0: 1 (no query string)'],
      ['get deployments', '0.000', '1.000', '0.00x', 'v0.1.0: 1 (no query string)'],
    ]);
  });
});

describe('requestsPerMode', () => {
  const times = <T>(n: number, value: T): T[] => Array.from({ length: n }, () => value);

  test('requests in each mode\'s namespaces per action, the shared ones (Lease, cluster-scoped) split by actions', () => {
    const requests = [
      ...times(6, { namespace: 'a' }), // killPod in a: 2 actions x (DELETE, Event, status patch)
      ...times(3, { namespace: 'b' }), // randomScale in b: 1 action x (PATCH scale, Event, status patch)
      ...times(3, { namespace: 'chaosmonkey' }), // Lease: 3 requests for 3 actions
      {}, // cluster-scoped
    ];
    const decisions = [
      { namespace: 'a', mode: 'killPod', succeeded: true },
      { namespace: 'a', mode: 'killPod', succeeded: true },
      { namespace: 'b', mode: 'randomScale', succeeded: true },
    ];
    const perMode = requestsPerMode(requests, decisions);
    expect(perMode.killPod).toBeCloseTo((6 + (4 * 2) / 3) / 2, 10);
    expect(perMode.randomScale).toBeCloseTo((3 + (4 * 1) / 3) / 1, 10);
  });

  test('a mode whose decisions all failed or were skipped has no rate (NaN), and shares nothing', () => {
    const perMode = requestsPerMode(times(5, { namespace: 'x' }), [
      { namespace: 'x', mode: 'antiPressure', succeeded: false },
      { namespace: 'y', mode: 'killPod', succeeded: true },
    ]);
    expect(perMode.antiPressure).toBeNaN();
    expect(perMode.killPod).toBe(0);
    expect(requestsPerMode([], [])).toEqual({});
  });
});
