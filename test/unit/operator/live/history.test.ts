import { describe, expect, test } from '@jest/globals';
import { ActionHistory, HISTORY_BUDGET, HISTORY_MIN_PER_CMC, HISTORY_PER_CMC, MESSAGE_MAX } from '../../../../operator/src/live/history.ts';
import type { ActionRecord } from '../../../../operator/src/live/history.ts';

const rec = (at: number, message = 'ok'): ActionRecord => ({ at, mode: 'killPod', result: 'succeeded', target: 'web-1', message });

describe('ActionHistory', () => {
  test('keeps at most the bound per CMC, dropping the oldest first', () => {
    const h = new ActionHistory();
    for (let i = 0; i < HISTORY_PER_CMC + 30; i++) h.record('ns/a', rec(i));
    const kept = h.since('ns/a', 0);
    expect(kept).toHaveLength(HISTORY_PER_CMC);
    expect(kept[0]?.at).toBe(30);
    expect(kept.at(-1)?.at).toBe(HISTORY_PER_CMC + 29);
  });

  test('many CMCs share the budget: every ring is trimmed, the total stays within max(budget, CMCs x min)', () => {
    const h = new ActionHistory({ perCmc: 20, minPerCmc: 3, budget: 100 });
    for (let i = 0; i < 20; i++) h.record('ns/first', rec(i));
    expect(h.since('ns/first', 0)).toHaveLength(20);
    for (let c = 0; c < 9; c++) for (let i = 0; i < 20; i++) h.record(`ns/c${c}`, rec(i));
    expect(h.limit).toBe(10);
    expect(h.total).toBe(100);
    expect(h.since('ns/first', 0).map((e) => e.at)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    for (let c = 9; c < 60; c++) for (let i = 0; i < 20; i++) h.record(`ns/c${c}`, rec(i));
    expect(h.limit).toBe(3);
    expect(h.total).toBe(61 * 3);
    expect(HISTORY_BUDGET / HISTORY_PER_CMC).toBeGreaterThan(HISTORY_MIN_PER_CMC);
  });

  test('since() filters by time and returns a copy', () => {
    const h = new ActionHistory({ perCmc: 10 });
    for (const at of [100, 200, 300]) h.record('ns/a', rec(at));
    const out = h.since('ns/a', 200);
    expect(out.map((e) => e.at)).toEqual([200, 300]);
    out.pop();
    expect(h.since('ns/a', 0)).toHaveLength(3);
    expect(h.since('ns/other', 0)).toEqual([]);
  });

  test('cuts long messages', () => {
    const h = new ActionHistory();
    h.record('ns/a', rec(1, 'x'.repeat(5_000)));
    expect(h.since('ns/a', 0)[0]?.message).toHaveLength(MESSAGE_MAX);
  });

  test('forget, retain and clear drop rings', () => {
    const h = new ActionHistory();
    for (const key of ['ns/a', 'ns/b', 'ns/c']) h.record(key, rec(1));
    h.forget('ns/a');
    expect(h.size).toBe(2);
    h.retain(new Set(['ns/b']));
    expect(h.size).toBe(1);
    expect(h.since('ns/c', 0)).toEqual([]);
    h.clear();
    expect(h.size).toBe(0);
  });
});
