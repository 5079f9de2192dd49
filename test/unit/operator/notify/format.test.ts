import { describe, expect, it } from '@jest/globals';
import { formatEvent, summary, toJsonPayload, toSlackPayload } from '../../../../operator/src/notify/format.ts';
import { outcomeEvent, parseEventList, pauseEvent } from '../../../../operator/src/notify/events.ts';
import type { ActionOutcome, NotifyEvent } from '../../../../operator/src/ports.ts';

const AT = Date.UTC(2026, 0, 2, 3, 4, 5);
const failure: NotifyEvent = { kind: 'failure', at: AT, namespace: 'shop', cmc: 'kill-web', mode: 'killPod', target: 'web-1', reason: 'delete answered 403 <forbidden>', problem: 'ActionFailed' };

describe('formatter', () => {
  it('JSON: versioned document with the facts and one human line, absent facts absent', () => {
    expect(toJsonPayload(failure)).toEqual({
      source: 'chaos-monkey',
      version: 1,
      event: 'failure',
      time: '2026-01-02T03:04:05.000Z',
      text: 'chaos action FAILED shop/kill-web (killPod web-1): delete answered 403 <forbidden> [ActionFailed]',
      namespace: 'shop',
      cmc: 'kill-web',
      mode: 'killPod',
      target: 'web-1',
      reason: 'delete answered 403 <forbidden>',
      problem: 'ActionFailed',
    });
    const pause = toJsonPayload(pauseEvent(true, 'operator paused', AT));
    expect(pause).toEqual({ source: 'chaos-monkey', version: 1, event: 'pause', time: '2026-01-02T03:04:05.000Z', text: 'chaos paused: operator paused', reason: 'operator paused', on: true });
    expect(summary(pauseEvent(false, 'resumed by hand', AT, { namespace: 'a', name: 'b' }))).toBe('chaos resumed a/b: resumed by hand');
    expect(summary({ kind: 'window', at: AT, reason: 'excluded hours', on: false })).toBe('excluded time window ended: excluded hours');
  });

  it('Slack: incoming-webhook payload {text, blocks} with mrkdwn control characters escaped', () => {
    const p = toSlackPayload(failure);
    expect(p.text).toBe('chaos action FAILED shop/kill-web (killPod web-1): delete answered 403 &lt;forbidden&gt; [ActionFailed]');
    expect(p.blocks).toHaveLength(1);
    expect(p.blocks[0]?.type).toBe('section');
    expect(p.blocks[0]?.text.type).toBe('mrkdwn');
    expect(p.blocks[0]?.text.text).toContain('*chaos action FAILED* `shop/kill-web`');
    expect(p.blocks[0]?.text.text).toContain('killPod → `web-1`');
    expect(p.blocks[0]?.text.text).not.toContain('<forbidden>');
    expect(JSON.parse(formatEvent(failure, 'slack'))).toEqual(p);
    expect(JSON.parse(formatEvent(failure, 'json'))).toEqual(toJsonPayload(failure));
  });
});

describe('events', () => {
  const base = { namespace: 'ns', cmc: 'c', deployment: 'web', latenessMs: 0, mode: 'killPod', labelSelector: 'app=web', podsSeen: 2 } as const;
  it('maps outcomes: succeeded -> action, failed -> failure, skipped with a problem -> blocked, other skips -> none', () => {
    const out = (result: ActionOutcome['result'], reason = 'r'): ActionOutcome => ({ ...base, result, reason, target: 'web-1' });
    expect(outcomeEvent(out('succeeded'), undefined, AT)).toEqual({ kind: 'action', at: AT, namespace: 'ns', cmc: 'c', mode: 'killPod', target: 'web-1', reason: 'r' });
    expect(outcomeEvent(out('failed'), 'ActionFailed', AT)?.kind).toBe('failure');
    expect(outcomeEvent(out('skipped'), 'StopCondition', AT)).toMatchObject({ kind: 'blocked', problem: 'StopCondition' });
    expect(outcomeEvent(out('skipped'), undefined, AT)).toBeUndefined();
  });

  it('parses the event list case-insensitively, in canonical order; rejects unknown and empty', () => {
    expect(parseEventList(' Pause, action ,,FAILURE')).toEqual({ ok: true, events: ['action', 'failure', 'pause'] });
    expect(parseEventList('action,blocked,window')).toEqual({ ok: true, events: ['action', 'blocked', 'window'] });
    expect(parseEventList('actions,failure')).toEqual({ ok: false, error: expect.stringContaining('unknown event actions') as unknown });
    expect(parseEventList(' , ').ok).toBe(false);
  });
});
