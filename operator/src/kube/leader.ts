/**
 * Lease-based leader election (coordination.k8s.io/v1, issue 4 point 11), after client-go's
 * leaderelection: followers poll the Lease every `retryIntervalMs` and take it over once its record
 * has not changed for `leaseDurationMs` (measured on the local clock from when the record was
 * observed, so clock skew between replicas does not matter) or once the holder released it; the
 * leader renews every `retryIntervalMs` and steps down as soon as a renewal finds another holder or
 * no renewal succeeded for `renewDeadlineMs` (< lease duration, so the old leader has stopped
 * before anyone else may take over). `stop()` releases the Lease so failover is immediate.
 *
 * Requests: a leader renews with ONE request, a PUT of the Lease it last wrote (its resourceVersion
 * is the optimistic lock, as client-go's fast path does); only when that PUT answers 409 Conflict
 * (someone else wrote the Lease) does it GET the Lease and decide again in the same attempt.
 * Followers GET once per poll (they must observe the record).
 *
 * Timing: renew deadline and retry period derive from the lease duration with client-go's ratios
 * (15 s / 10 s / 2 s) and are validated as client-go does (config/lease-timing.ts); the
 * constructor throws on an inconsistent combination.
 */
import { CoordinationV1Api } from '@kubernetes/client-node';
import type { V1Lease } from '@kubernetes/client-node';
import { leaseTiming } from '../config/lease-timing.ts';
import type { Clock, Logger } from '../ports.ts';
import { describeApiError, statusCodeOf } from './api-errors.ts';
import type { KubeConnection } from './connect.ts';

/** Construction options of {@link LeaderElector}. */
export interface LeaderElectorOptions {
  connection: KubeConnection;
  /** Namespace of the Lease (the operator's own). */
  namespace: string;
  leaseName: string;
  /** This replica's holderIdentity; must be unique among replicas. */
  identity: string;
  /** Lease duration (whole seconds on the wire). Default 15 s. */
  leaseDurationMs?: number;
  /** Leader gives up when no renewal succeeded for this long. Default 2/3 of the lease duration (client-go: 10 s of 15 s). */
  renewDeadlineMs?: number;
  /** Poll/renew period. Default 2/15 of the lease duration (client-go: 2 s of 15 s). */
  retryIntervalMs?: number;
  clock: Clock;
  log: Logger;
  /** Called synchronously when this replica becomes leader. */
  onStartedLeading: () => void;
  /** Called synchronously, before anything else, when this replica stops being leader. */
  onStoppedLeading: () => void;
}

/** Longest wait for each step of the shutdown (pending attempt, Lease release). */
export const RELEASE_TIMEOUT_MS = 3_000;

/** RFC 3339 with microseconds, the MicroTime wire format. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Elects one leader among the replicas sharing a Lease. */
export class LeaderElector {
  readonly #api: CoordinationV1Api;
  readonly #o: Required<Omit<LeaderElectorOptions, 'connection'>>;
  #leader = false;
  #running = false;
  #cancelTimer: (() => void) | undefined;
  #inFlight: Promise<void> | undefined;
  /** Last record seen (holder + renewTime + rv) and when, on our clock. */
  #observed: { key: string; at: number } | undefined;
  #lastRenewAt = 0;
  /** The Lease as this replica last wrote it (the server's answer), while leader; undefined otherwise. */
  #written: V1Lease | undefined;

  constructor(options: LeaderElectorOptions) {
    this.#api = options.connection.kubeConfig.makeApiClient(CoordinationV1Api);
    const timing = leaseTiming(options.leaseDurationMs ?? 15_000, {
      ...(options.renewDeadlineMs !== undefined ? { renewDeadlineMs: options.renewDeadlineMs } : {}),
      ...(options.retryIntervalMs !== undefined ? { retryPeriodMs: options.retryIntervalMs } : {}),
    });
    if (!timing.ok) throw new Error(`invalid leader election timing: ${timing.error}`);
    this.#o = {
      namespace: options.namespace,
      leaseName: options.leaseName,
      identity: options.identity,
      leaseDurationMs: timing.timing.leaseDurationMs,
      renewDeadlineMs: timing.timing.renewDeadlineMs,
      retryIntervalMs: timing.timing.retryPeriodMs,
      clock: options.clock,
      log: options.log,
      onStartedLeading: options.onStartedLeading,
      onStoppedLeading: options.onStoppedLeading,
    };
  }

  /** True while this replica holds the Lease. */
  get isLeader(): boolean {
    return this.#leader;
  }

  /** The timing in force (derived and validated at construction). */
  get timing(): { leaseDurationMs: number; renewDeadlineMs: number; retryIntervalMs: number } {
    return { leaseDurationMs: this.#o.leaseDurationMs, renewDeadlineMs: this.#o.renewDeadlineMs, retryIntervalMs: this.#o.retryIntervalMs };
  }

  /**
   * Leader and the last successful renewal is younger than the renew deadline, checked on the
   * clock now (not only at the next tick): what a mutating request re-checks right before it goes.
   */
  holdsLease(): boolean {
    return this.#leader && this.#o.clock.now() - this.#lastRenewAt <= this.#o.renewDeadlineMs;
  }

  /** Starts campaigning (first attempt at once). Idempotent. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#tick();
  }

  /**
   * Stops campaigning; when leader, steps down (onStoppedLeading) and, unless `release` is false,
   * clears the Lease holder so another replica takes over at its next poll (waiting at most
   * {@link RELEASE_TIMEOUT_MS}). Never throws.
   */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.#running = false;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    // Every wait below is bounded: an unreachable API server must not hold the shutdown.
    await this.#bounded(this.#inFlight ?? Promise.resolve(), 'pending election attempt');
    if (!this.#leader) return;
    this.#stepDown('shutdown');
    if (options.release === false) return;
    await this.#bounded(this.#release(), 'lease release');
  }

  async #bounded(work: Promise<void>, what: string): Promise<void> {
    let cancel: (() => void) | undefined;
    const timeout = new Promise<void>((resolve) => {
      cancel = this.#o.clock.setTimer(RELEASE_TIMEOUT_MS, () => {
        this.#o.log.warn(`${what} timed out at shutdown`, { timeoutMs: RELEASE_TIMEOUT_MS });
        resolve();
      });
    });
    await Promise.race([work, timeout]);
    cancel?.();
  }

  async #release(): Promise<void> {
    try {
      const lease = await this.#api.readNamespacedLease({ name: this.#o.leaseName, namespace: this.#o.namespace });
      if (lease.spec?.holderIdentity !== this.#o.identity) return;
      const now = this.#o.clock.now();
      lease.spec = { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(now) as unknown as Date };
      await this.#api.replaceNamespacedLease({ name: this.#o.leaseName, namespace: this.#o.namespace, body: lease });
      this.#o.log.info('released leader lease', { lease: this.#o.leaseName, identity: this.#o.identity });
    } catch (error) {
      this.#o.log.warn('could not release leader lease', { ...describeApiError(error) });
    }
  }

  #tick(): void {
    if (!this.#running) return;
    if (this.#leader && this.#o.clock.now() - this.#lastRenewAt > this.#o.renewDeadlineMs) {
      this.#stepDown('renew deadline exceeded');
    }
    if (this.#inFlight === undefined) {
      this.#inFlight = this.#attempt()
        .catch((error: unknown) => {
          this.#o.log.warn('leader election attempt failed', { ...describeApiError(error) });
        })
        .finally(() => {
          this.#inFlight = undefined;
        });
    }
    this.#cancelTimer = this.#o.clock.setTimer(this.#o.retryIntervalMs, () => this.#tick());
  }

  #stepDown(why: string): void {
    this.#written = undefined;
    if (!this.#leader) return;
    this.#leader = false;
    this.#o.onStoppedLeading();
    this.#o.log.warn('stopped leading', { lease: this.#o.leaseName, identity: this.#o.identity, why });
  }

  #becomeLeader(now: number): void {
    this.#lastRenewAt = now;
    if (this.#leader) return;
    if (!this.#running) return;
    this.#leader = true;
    this.#o.log.info('became leader', { lease: this.#o.leaseName, identity: this.#o.identity });
    this.#o.onStartedLeading();
  }

  /**
   * Fast path of a leader: PUT the Lease it last wrote with a new renewTime. True when renewed;
   * false after a 409 Conflict (the caller then reads the Lease). Other errors propagate.
   */
  async #renewWritten(written: V1Lease, leaseDurationSeconds: number): Promise<boolean> {
    const { namespace, leaseName: name } = this.#o;
    const now = this.#o.clock.now();
    const body: V1Lease = { ...written, spec: { ...written.spec, leaseDurationSeconds, renewTime: microTime(now) as unknown as Date } };
    let stored: V1Lease;
    try {
      stored = await this.#api.replaceNamespacedLease({ name, namespace, body });
    } catch (error) {
      if (statusCodeOf(error) !== 409) throw error;
      this.#written = undefined;
      return false;
    }
    this.#wrote(stored, now);
    return true;
  }

  /** Records a successful write of the Lease at `now` (leader from then on). */
  #wrote(stored: V1Lease, now: number): void {
    this.#written = stored;
    this.#becomeLeader(now);
    // A step-down raced with the request (stop(), renew deadline): do not keep a Lease we no longer lead with.
    if (!this.#leader) this.#written = undefined;
  }

  async #attempt(): Promise<void> {
    const { namespace, leaseName: name, identity } = this.#o;
    const leaseDurationSeconds = Math.max(1, Math.round(this.#o.leaseDurationMs / 1000));
    const written = this.#written;
    if (this.#leader && written !== undefined && (await this.#renewWritten(written, leaseDurationSeconds))) return;
    let lease: V1Lease;
    try {
      lease = await this.#api.readNamespacedLease({ name, namespace });
    } catch (error) {
      if (statusCodeOf(error) !== 404) throw error;
      const now = this.#o.clock.now();
      let created: V1Lease;
      try {
        created = await this.#api.createNamespacedLease({
          namespace,
          body: {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name, namespace },
            spec: {
              holderIdentity: identity,
              leaseDurationSeconds,
              acquireTime: microTime(now) as unknown as Date,
              renewTime: microTime(now) as unknown as Date,
              leaseTransitions: 0,
            },
          },
        });
      } catch (createError) {
        if (statusCodeOf(createError) === 409) return; // another replica created it first
        throw createError;
      }
      this.#wrote(created, now);
      return;
    }
    const now = this.#o.clock.now();
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const key = `${holder}|${String(spec.renewTime ?? '')}|${lease.metadata?.resourceVersion ?? ''}`;
    if (this.#observed?.key !== key) this.#observed = { key, at: now };
    const heldByOther = holder !== '' && holder !== identity;
    if (heldByOther) {
      if (this.#leader) this.#stepDown(`lease taken by ${holder}`);
      const durationMs = (spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000;
      if (now - this.#observed.at < durationMs) return; // still valid: stay follower
    }
    if (!this.#running) return;
    const takingOver = holder !== identity;
    lease.spec = {
      ...spec,
      holderIdentity: identity,
      leaseDurationSeconds,
      renewTime: microTime(now) as unknown as Date,
      ...(takingOver
        ? { acquireTime: microTime(now) as unknown as Date, leaseTransitions: (spec.leaseTransitions ?? 0) + (holder === '' ? 0 : 1) }
        : {}),
    };
    let stored: V1Lease;
    try {
      stored = await this.#api.replaceNamespacedLease({ name, namespace, body: lease });
    } catch (error) {
      if (statusCodeOf(error) === 409) return; // someone else wrote it meanwhile: re-read next tick
      throw error;
    }
    this.#wrote(stored, now);
  }
}
