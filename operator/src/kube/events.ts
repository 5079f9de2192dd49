/**
 * {@link EventSink} writing core/v1 Events (seed-spec.md 11: source component `chaos-monkey`).
 * Like client-go's recorder, a repeat of the same (object, type, reason, message) within
 * {@link AGGREGATION_WINDOW_MS} patches the existing Event's `count` and `lastTimestamp` instead of
 * creating a new one, so a CMC that fails every slot does not flood the namespace. Sent over
 * raw-request.ts (the answers are never read).
 */
import { EVENT_COMPONENT } from '../../../api/names.ts';
import type { Clock, EventSink, Logger, ObjectRef } from '../ports.ts';
import { describeApiError, statusCodeOf } from './api-errors.ts';
import { rawKube } from './connect.ts';
import type { KubeConnection } from './connect.ts';
import type { RawKube } from './raw-request.ts';
import { mutationAbort } from './request-options.ts';

/** Repeats within this window are folded into one Event (client-go uses 10 minutes too). */
export const AGGREGATION_WINDOW_MS = 10 * 60_000;
/** Remembered Events for aggregation (oldest forgotten first). */
const MAX_REMEMBERED = 2_000;

/** Construction options of {@link KubeEventSink}. */
export interface KubeEventSinkOptions {
  connection: KubeConnection;
  clock: Clock;
  log: Logger;
  /** `reportingInstance` of each Event (the leader identity). */
  instance: string;
}

interface Remembered {
  namespace: string;
  name: string;
  count: number;
  firstAt: number;
}

/** Namespace an Event about `ref` lives in: the object's, or `default` for cluster-scoped objects. */
export function eventNamespaceFor(ref: ObjectRef): string {
  return ref.namespace !== undefined && ref.namespace !== '' ? ref.namespace : 'default';
}

/** The kube/ implementation of {@link EventSink}. `emit` never throws (failures are logged at warn). */
export class KubeEventSink implements EventSink {
  readonly #raw: RawKube;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #instance: string;
  readonly #recent = new Map<string, Remembered>();
  #seq = 0;
  /** false when the identity may not create Events (start-up permission plan): nothing is sent. */
  enabled = true;

  constructor(options: KubeEventSinkOptions) {
    this.#raw = rawKube(options.connection);
    this.#clock = options.clock;
    this.#log = options.log;
    this.#instance = options.instance;
  }

  async emit(ref: ObjectRef, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    if (!this.enabled) return;
    const now = this.#clock.now();
    const nowIso = new Date(now).toISOString();
    const namespace = eventNamespaceFor(ref);
    const key = JSON.stringify([ref.kind, ref.namespace ?? '', ref.name, ref.uid ?? '', type, reason, message]);
    const seen = this.#recent.get(key);
    try {
      if (seen !== undefined && now - seen.firstAt < AGGREGATION_WINDOW_MS) {
        seen.count += 1;
        try {
          await this.#raw.request({
            method: 'PATCH',
            path: `/api/v1/namespaces/${encodeURIComponent(seen.namespace)}/events/${encodeURIComponent(seen.name)}`,
            body: { count: seen.count, lastTimestamp: nowIso },
            contentType: 'application/merge-patch+json',
            ...mutationAbort({}),
          });
          return;
        } catch (error) {
          if (statusCodeOf(error) !== 404) throw error;
          this.#recent.delete(key); // the Event expired or was deleted: create a fresh one
        }
      }
      const name = `${ref.name}.${now.toString(16)}${(this.#seq++ % 4096).toString(16).padStart(3, '0')}`;
      await this.#raw.request({
        method: 'POST',
        path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`,
        body: {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name, namespace },
          involvedObject: {
            apiVersion: ref.apiVersion,
            kind: ref.kind,
            name: ref.name,
            ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}),
            ...(ref.uid !== undefined ? { uid: ref.uid } : {}),
          },
          type,
          reason,
          message,
          count: 1,
          // RFC 3339, as kube-apiserver expects.
          firstTimestamp: nowIso,
          lastTimestamp: nowIso,
          source: { component: EVENT_COMPONENT },
          reportingComponent: EVENT_COMPONENT,
          reportingInstance: this.#instance,
        },
        ...mutationAbort({}),
      });
      this.#recent.delete(key);
      this.#recent.set(key, { namespace, name, count: 1, firstAt: now });
      if (this.#recent.size > MAX_REMEMBERED) {
        const oldest = this.#recent.keys().next().value;
        if (oldest !== undefined) this.#recent.delete(oldest);
      }
    } catch (error) {
      // 404: the namespace is gone (Events about objects deleted with their namespace); not worth a warning.
      const level = statusCodeOf(error) === 404 ? 'debug' : 'warn';
      this.#log[level]('could not write Event', {
        reason,
        object: `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`,
        error: describeApiError(error).error,
        statusCode: statusCodeOf(error),
      });
    }
  }
}
