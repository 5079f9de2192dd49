import { describe, expect, test } from '@jest/globals';
import { keyOf, splitKey, WorkQueue } from '../../../../operator/src/reconcile/queue.ts';
import type { ProcessedInfo, ReconcileResult } from '../../../../operator/src/reconcile/queue.ts';
import { RejectedError, ThrottledError, UnavailableError } from '../../../../operator/src/errors.ts';
import { FakeClock, flushPromises } from '../../../support/fake-clock.ts';

function world(options: { concurrency?: number; maxDelayMs?: number } = {}) {
  const clock = new FakeClock(0);
  const processed: ProcessedInfo[] = [];
  const depths: number[] = [];
  const queue = new WorkQueue({ clock, ...options, onProcessed: (i) => processed.push(i), onDepth: (d) => depths.push(d) });
  return { clock, queue, processed, depths };
}

/** A worker whose runs the test releases one by one. */
function gatedWorker() {
  const runs: { key: string; release: (r?: ReconcileResult | Error) => void }[] = [];
  const worker = (key: string) =>
    new Promise<ReconcileResult>((resolve, reject) => {
      runs.push({ key, release: (r) => (r instanceof Error ? reject(r) : resolve(r)) });
    });
  return { runs, worker };
}

describe('WorkQueue', () => {
  test('deduplicates keys waiting to be processed and keeps FIFO order', async () => {
    const { queue } = world();
    const seen: string[] = [];
    queue.add('a');
    queue.add('b');
    queue.add('a');
    queue.add('c');
    expect(queue.depth).toBe(3);
    queue.start(async (key) => {
      seen.push(key);
    });
    await queue.whenIdle();
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  test('a key re-added while processing is processed again afterwards, never concurrently', async () => {
    const { queue } = world({ concurrency: 4 });
    const { runs, worker } = gatedWorker();
    queue.start(worker);
    queue.add('a');
    await flushPromises();
    expect(runs.map((r) => r.key)).toEqual(['a']);
    queue.add('a');
    queue.add('a');
    await flushPromises();
    expect(runs).toHaveLength(1); // not concurrently
    runs[0]!.release();
    await flushPromises();
    expect(runs).toHaveLength(2); // once more, deduplicated
    runs[1]!.release();
    await queue.whenIdle();
    expect(runs).toHaveLength(2);
  });

  test('concurrency bounds the number of keys processed at once', async () => {
    const { queue } = world({ concurrency: 2 });
    const { runs, worker } = gatedWorker();
    queue.start(worker);
    for (const k of ['a', 'b', 'c']) queue.add(k);
    await flushPromises();
    expect(queue.processingCount).toBe(2);
    expect(queue.depth).toBe(1);
    runs[0]!.release();
    await flushPromises();
    expect(runs.map((r) => r.key)).toEqual(['a', 'b', 'c']);
  });

  test('retryable failures back off exponentially from 5 ms, capped', async () => {
    const { clock, queue, processed } = world({ maxDelayMs: 40 });
    const times: number[] = [];
    queue.start(async () => {
      times.push(clock.now());
      throw new UnavailableError('down');
    });
    queue.add('a');
    await clock.advanceAsync(200);
    // runs at 0, 5, 15, 35, 75 (capped 40), 115, 155, 195
    expect(times).toEqual([0, 5, 15, 35, 75, 115, 155, 195]);
    expect(processed.map((p) => p.retryInMs)).toEqual([5, 10, 20, 40, 40, 40, 40, 40]);
    expect(processed.every((p) => p.result === 'error' && p.terminal === false)).toBe(true);
    expect(processed.at(-1)!.failures).toBe(8);
  });

  test('a success forgets the failures', async () => {
    const { clock, queue, processed } = world();
    let fail = true;
    queue.start(async () => {
      if (fail) throw new Error('plain errors are retried');
    });
    queue.add('a');
    await flushPromises();
    expect(queue.failures('a')).toBe(1);
    fail = false;
    await clock.advanceAsync(5);
    expect(queue.failures('a')).toBe(0);
    expect(processed.map((p) => p.result)).toEqual(['error', 'success']);
    expect(queue.delayedCount).toBe(0);
  });

  test('terminal errors are reported once and not retried', async () => {
    const { clock, queue, processed } = world();
    let runs = 0;
    queue.start(async () => {
      runs++;
      throw new RejectedError('bad mode');
    });
    queue.add('a');
    await clock.advanceAsync(10_000);
    expect(runs).toBe(1);
    expect(processed).toEqual([expect.objectContaining({ key: 'a', result: 'error', terminal: true, failures: 1 })]);
    expect(queue.delayedCount).toBe(0);
  });

  test('ThrottledError retryAfterMs is honoured as a minimum delay', async () => {
    const { clock, queue } = world();
    const times: number[] = [];
    queue.start(async () => {
      times.push(clock.now());
      if (times.length === 1) throw new ThrottledError('slow down', 1000);
    });
    queue.add('a');
    await clock.advanceAsync(999);
    expect(times).toEqual([0]);
    await clock.advanceAsync(1);
    expect(times).toEqual([0, 1000]);
  });

  test('requeueAfterMs re-adds the key after that delay', async () => {
    const { clock, queue, processed } = world();
    const times: number[] = [];
    queue.start(async () => {
      times.push(clock.now());
      return times.length < 3 ? { requeueAfterMs: 250 } : undefined;
    });
    queue.add('a');
    await clock.advanceAsync(1000);
    expect(times).toEqual([0, 250, 500]);
    expect(processed.map((p) => p.result)).toEqual(['requeue', 'requeue', 'success']);
  });

  test('addAfter keeps the earlier time and add() supersedes a delayed add', async () => {
    const { clock, queue } = world();
    const times: number[] = [];
    queue.start(async () => {
      times.push(clock.now());
    });
    queue.addAfter('a', 100);
    queue.addAfter('a', 300);
    queue.addAfter('a', 50);
    await clock.advanceAsync(400);
    expect(times).toEqual([50]);
    queue.addAfter('b', 100);
    queue.add('b');
    await clock.advanceAsync(400);
    expect(times).toEqual([50, 400]); // add() at t=400 ran at once, the delayed add is gone
    expect(clock.pendingTimers).toBe(0);
  });

  test('delayed adds share one clock timer', () => {
    const { clock, queue } = world();
    for (let i = 0; i < 1000; i++) queue.addAfter(`k${i}`, 10 + i);
    expect(queue.delayedCount).toBe(1000);
    expect(clock.pendingTimers).toBe(1);
  });

  test('stop waits for the running key, drops waiting and delayed keys, ignores later adds', async () => {
    const { queue, clock, depths } = world();
    const { runs, worker } = gatedWorker();
    queue.start(worker);
    queue.add('a');
    queue.add('b');
    queue.addAfter('c', 10);
    await flushPromises();
    let stopped = false;
    const stopping = queue.stop().then(() => {
      stopped = true;
    });
    await flushPromises();
    expect(stopped).toBe(false);
    runs[0]!.release();
    await stopping;
    expect(stopped).toBe(true);
    queue.add('d');
    await clock.advanceAsync(100);
    expect(runs.map((r) => r.key)).toEqual(['a']);
    expect(queue.depth).toBe(0);
    expect(depths.at(-1)).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  test('a worker throwing synchronously is handled like a rejection', async () => {
    const { queue, processed } = world();
    queue.start(((): Promise<void> => {
      throw new Error('sync');
    }) as never);
    queue.add('a');
    await flushPromises();
    expect(processed[0]).toEqual(expect.objectContaining({ result: 'error', terminal: false }));
  });

  test('start twice throws', () => {
    const { queue } = world();
    queue.start(async () => undefined);
    expect(() => queue.start(async () => undefined)).toThrow('already started');
  });

  test.each([
    ['ns/name', { namespace: 'ns', name: 'name' }],
    ['ns/', undefined],
    ['/name', undefined],
    ['noslash', undefined],
    ['a/b/c', undefined],
  ])('splitKey(%j)', (key, parts) => {
    expect(splitKey(key)).toEqual(parts);
  });

  test('keyOf joins namespace and name', () => {
    expect(keyOf('demo', 'cmc-1')).toBe('demo/cmc-1');
  });
});

describe('WorkQueue yields to the event loop', () => {
  test('dispatches at most batchSize keys, then waits for defer before the next batch', async () => {
    const clock = new FakeClock(0);
    const resumes: (() => void)[] = [];
    const queue = new WorkQueue({ clock, batchSize: 4, defer: (resume) => resumes.push(resume) });
    const seen: string[] = [];
    for (let i = 0; i < 10; i += 1) queue.add(`k${i}`);
    queue.start(async (key) => {
      seen.push(key); // no I/O: resolves in a microtask, the case that starved timers
    });
    await flushPromises();
    expect(seen).toEqual(['k0', 'k1', 'k2', 'k3']);
    expect(resumes).toHaveLength(1);
    resumes.shift()?.();
    await flushPromises();
    expect(seen).toHaveLength(8);
    resumes.shift()?.();
    await queue.whenIdle();
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`));
  });
});
