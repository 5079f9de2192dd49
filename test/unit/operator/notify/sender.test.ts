import { describe, expect, it } from '@jest/globals';
import { NotificationSender } from '../../../../operator/src/notify/sender.ts';
import type { NotificationSenderOptions, NotifyResult } from '../../../../operator/src/notify/sender.ts';
import type { Logger, NotifyEvent, NotifyTransport } from '../../../../operator/src/ports.ts';
import { FakeClock, flushPromises } from '../../../support/fake-clock.ts';

const quiet: Logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined, child: () => quiet };
const ev = (reason: string, kind: NotifyEvent['kind'] = 'failure'): NotifyEvent => ({ kind, at: 0, reason });

/** A transport whose requests the test settles one by one. */
class ManualTransport implements NotifyTransport {
  calls: { body: string; signal: AbortSignal; resolve: () => void; reject: (e: Error) => void }[] = [];
  send(body: string, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      this.calls.push({ body, signal, resolve, reject });
      signal.addEventListener('abort', () => reject(new Error('aborted')));
    });
  }
  reasons(): string[] {
    return this.calls.map((c) => (JSON.parse(c.body) as { reason: string }).reason);
  }
}

function make(extra: Partial<NotificationSenderOptions> = {}) {
  const clock = new FakeClock();
  const transport = new ManualTransport();
  const results: NotifyResult[] = [];
  const sender = new NotificationSender({ transport, clock, log: quiet, format: 'json', events: ['failure', 'pause'], onResult: (r) => results.push(r), ...extra });
  const count = (r: NotifyResult): number => results.filter((x) => x === r).length;
  return { clock, transport, sender, results, count };
}

describe('NotificationSender', () => {
  it('notify() returns at once; one request in flight at a time, in order; unselected kinds ignored', async () => {
    const { transport, sender, count } = make();
    sender.notify(ev('a'));
    sender.notify(ev('x', 'action'));
    sender.notify(ev('b'));
    expect(transport.calls).toHaveLength(1);
    expect(sender.depth).toBe(2);
    transport.calls[0]?.resolve();
    await flushPromises();
    expect(transport.reasons()).toEqual(['a', 'b']);
    transport.calls[1]?.resolve();
    await flushPromises();
    expect(count('sent')).toBe(2);
    expect(sender.depth).toBe(0);
  });

  it('retries with capped exponential backoff on the clock, then counts failed and moves on', async () => {
    const { clock, transport, sender, count } = make({ maxAttempts: 4, backoffMs: 1_000, maxBackoffMs: 3_000 });
    sender.notify(ev('a'));
    sender.notify(ev('b'));
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      transport.calls[attempt - 1]?.reject(new Error('receiver answered HTTP 500'));
      await flushPromises();
      if (attempt < 4) {
        const due = clock.pendingDueTimes()[0] ?? NaN;
        delays.push(due - clock.now());
        expect(transport.calls).toHaveLength(attempt); // nothing sent before the backoff elapsed
        clock.advance(due - clock.now() - 1);
        expect(transport.calls).toHaveLength(attempt);
        clock.advance(1);
      }
    }
    expect(delays).toEqual([1_000, 2_000, 3_000]);
    expect(count('retried')).toBe(3);
    expect(count('failed')).toBe(1);
    expect(transport.reasons()).toEqual(['a', 'a', 'a', 'a', 'b']); // the next one goes at once
  });

  it('bounded queue: drops new events when full and counts them', async () => {
    const { transport, sender, count } = make({ capacity: 3 });
    for (const r of ['a', 'b', 'c', 'd', 'e']) sender.notify(ev(r));
    expect(sender.depth).toBe(3);
    expect(count('dropped')).toBe(2);
    for (let i = 0; i < 3; i++) {
      transport.calls[i]?.resolve();
      await flushPromises();
    }
    expect(transport.reasons()).toEqual(['a', 'b', 'c']);
    sender.notify(ev('f')); // room again
    expect(transport.reasons()).toEqual(['a', 'b', 'c', 'f']);
  });

  it('stop() aborts the request in flight, drops and counts the rest (also during a backoff), later notify() drops', async () => {
    const { clock, transport, sender, count } = make();
    sender.notify(ev('a'));
    sender.notify(ev('b'));
    await sender.stop();
    expect(transport.calls[0]?.signal.aborted).toBe(true);
    expect(count('dropped')).toBe(2);
    sender.notify(ev('c'));
    expect(count('dropped')).toBe(3);
    expect(transport.calls).toHaveLength(1);

    const second = make();
    second.sender.notify(ev('a'));
    second.transport.calls[0]?.reject(new Error('HTTP 500'));
    await flushPromises();
    expect(second.clock.pendingTimers).toBe(1);
    await second.sender.stop();
    expect(second.clock.pendingTimers).toBe(0);
    expect(second.count('dropped')).toBe(1);
    expect(second.count('failed')).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });
});
