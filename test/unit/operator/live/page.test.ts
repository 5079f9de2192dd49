import { describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import type { ChaosMonkeyConfigurationV1, Condition } from '../../../../api/v1.ts';
import { escapeHtml, LIVE_PAGE_CSP, liveModel, MAX_ROWS, renderLivePage, stateOf, TIMELINE_MS } from '../../../../operator/src/live/page.ts';
import type { ActionRecord } from '../../../../operator/src/live/history.ts';

const NOW = Date.parse('2026-12-03T12:00:00Z');

function cond(type: string, status: 'True' | 'False', reason: string, message: string): Condition {
  return { type, status, reason, message, lastTransitionTime: '2026-12-03T11:00:00Z' };
}

function cmc(name: string, conditions: Condition[] | undefined, extra: Partial<ChaosMonkeyConfigurationV1> = {}): ChaosMonkeyConfigurationV1 {
  return {
    apiVersion: 'cm.massix.github.io/v1',
    kind: 'ChaosMonkeyConfiguration',
    metadata: { name, namespace: 'demo' },
    spec: { enabled: true, minReplicas: 1, maxReplicas: 3, scalingMode: 'killPod', deployment: { name: 'web' }, timeout: '5s' },
    ...(conditions === undefined ? {} : { status: { conditions, nextActionAt: '2026-12-03T12:00:05Z' } }),
    ...extra,
  } as ChaosMonkeyConfigurationV1;
}

const ready = cond('Ready', 'True', 'Scheduled', 'killPod on deployment web every 5s');
const notPaused = cond('Paused', 'False', 'Enabled', 'spec.enabled is not false');
const notBlocked = cond('Blocked', 'False', 'NamespaceEligible', 'the namespace is a chaos target');

describe('stateOf', () => {
  test.each([
    ['acting', [ready, notPaused, notBlocked], 'Scheduled'],
    ['paused', [cond('Ready', 'False', 'Paused', 'x'), cond('Paused', 'True', 'Disabled', 'spec.enabled is false'), notBlocked], 'Disabled'],
    ['blocked', [cond('Ready', 'False', 'NamespaceNotOptedIn', 'x'), notPaused, cond('Blocked', 'True', 'NamespaceNotOptedIn', 'namespace demo is not opted in')], 'NamespaceNotOptedIn'],
    ['not ready', [cond('Ready', 'False', 'ActionSkipped', 'no pods'), notPaused, notBlocked], 'ActionSkipped'],
  ] as const)('%s from the conditions', (state, conditions, reason) => {
    expect(stateOf(cmc('a', [...conditions]))).toMatchObject({ state, reason });
  });

  test('pending without a status, and garbage conditions do not throw', () => {
    expect(stateOf(cmc('a', undefined)).state).toBe('pending');
    const garbage = cmc('a', undefined, { status: { conditions: 'nope' } as unknown as ChaosMonkeyConfigurationV1['status'] });
    expect(stateOf(garbage).state).toBe('pending');
  });
});

describe('liveModel and renderLivePage', () => {
  const actions: Record<string, ActionRecord[]> = {
    'demo/a': [
      { at: NOW - 120_000, mode: 'killPod', result: 'succeeded', target: 'web-1', message: 'pod deleted' },
      { at: NOW - 60_000, mode: 'killPod', result: 'failed', target: 'web-2', message: 'forbidden' },
    ],
  };
  const model = liveModel({
    cmcs: [cmc('b', [cond('Ready', 'False', 'Paused', 'x'), cond('Paused', 'True', 'Disabled', 'spec.enabled is false'), notBlocked]), cmc('a', [ready, notPaused, notBlocked])],
    actions: (key, since) => (actions[key] ?? []).filter((e) => e.at >= since),
    now: NOW,
    identity: 'pod-1',
    leader: true,
  });

  test('sorts the CMCs and asks the history for the last hour only', () => {
    expect(model.cmcs.map((c) => c.name)).toEqual(['a', 'b']);
    let asked = 0;
    liveModel({ cmcs: [cmc('a', undefined)], actions: (_k, since) => ((asked = since), []), now: NOW, identity: 'x', leader: true });
    expect(asked).toBe(NOW - TIMELINE_MS);
  });

  test('shows every CMC with its state, next action and one SVG dot per action coloured by result', () => {
    const html = renderLivePage(model);
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<meta http-equiv="refresh" content="5">');
    expect(html).toContain('data-cmc="demo/a" data-state="acting" data-actions="2"');
    expect(html).toContain('data-cmc="demo/b" data-state="paused" data-actions="0"');
    expect(html).toContain('<time>2026-12-03T12:00:05Z</time>');
    expect(html.match(/<circle class="succeeded"/g)).toHaveLength(1);
    expect(html.match(/<circle class="failed"/g)).toHaveLength(1);
    expect(html).toContain('1 succeeded, 0 skipped, 1 failed');
    expect(html).not.toContain('follower</b>:');
    // The dot of 1 minute ago sits right of the one of 2 minutes ago, both near the right edge.
    const xs = [...html.matchAll(/<circle class="\w+" data-count="1" cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(xs[1]).toBeGreaterThan(xs[0] as number);
    expect(xs[0]).toBeGreaterThan(500);
  });

  test('actions of one result a few seconds apart share one dot that counts them; other results keep their own', () => {
    const burst: ActionRecord[] = [0, 1, 2, 3].map((i) => ({ at: NOW - 10_000 + i * 1_000, mode: 'killPod', result: 'succeeded', target: `web-${i}`, message: 'pod deleted' }));
    burst.push({ at: NOW - 7_500, mode: 'killPod', result: 'skipped', target: 'web-9', message: 'no pod' });
    const html = renderLivePage(liveModel({ cmcs: [cmc('a', [ready])], actions: () => burst, now: NOW, identity: 'x', leader: true }));
    expect(html.match(/<circle /g)).toHaveLength(2);
    expect(html).toContain('<circle class="succeeded" data-count="4"');
    expect(html).toContain('4 actions 2026-12-03T11:59:50Z to 2026-12-03T11:59:53Z, the latest killPod succeeded web-3: pod deleted');
    expect(html).toContain('<circle class="skipped" data-count="1"');
    expect(html).toContain('data-actions="5"');
  });

  test('no external asset, no script, no inline style attribute; the CSP allows exactly the one style block', () => {
    const html = renderLivePage(model);
    expect(html).not.toMatch(/<script|<link|<img|src=|href=|style="/i);
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    expect(LIVE_PAGE_CSP).toContain(`style-src 'sha256-${createHash('sha256').update(css).digest('base64')}'`);
    expect(LIVE_PAGE_CSP).toMatch(/default-src 'none'/);
    expect(LIVE_PAGE_CSP).toMatch(/script-src 'none'/);
  });

  test(`draws at most ${MAX_ROWS} rows and counts the rest`, () => {
    const many = liveModel({ cmcs: Array.from({ length: MAX_ROWS + 7 }, (_, i) => cmc(`c${String(i).padStart(4, '0')}`, [ready])), actions: () => [], now: NOW, identity: 'x', leader: true });
    const html = renderLivePage(many);
    expect(html.match(/<tr class="cmc"/g)).toHaveLength(MAX_ROWS);
    expect(html).toContain('… and 7 more CMCs not shown');
  });

  test('a follower says so', () => {
    const html = renderLivePage({ ...model, leader: false, cmcs: [] });
    expect(html).toContain('This replica is a <b>follower</b>');
    expect(html).toContain('No ChaosMonkeyConfiguration found.');
  });

  test('escapes every text from the cluster (XSS in a name, a condition message, an action message)', () => {
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';
    const hostile = cmc('x', [cond('Ready', 'True', 'Scheduled', evil), notPaused, cond('Blocked', 'True', `R${evil}`, evil)], {
      metadata: { name: `n${evil}`, namespace: 'demo', annotations: { note: evil } },
    });
    const html = renderLivePage(
      liveModel({
        cmcs: [hostile],
        actions: () => [{ at: NOW - 1_000, mode: 'killPod', result: 'skipped', target: evil, message: evil }],
        now: NOW,
        identity: evil,
        leader: true,
      }),
    );
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/"[^"]*onerror=alert\(2\)>"/);
    expect(html).toContain(escapeHtml(evil));
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('data-state="blocked"');
  });

  test('escapeHtml escapes the five characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
