/**
 * Health guards on the target (issue 11 point 4): `spec.guard` of a CMC, checked right before the
 * mutating request. Pure: the caller passes the Deployment's facts, the listed pods and `now`.
 *
 * - `skipDuringRollout` (default true once `guard` is set): blocked while the Deployment rolls
 *   out (status.observedGeneration behind metadata.generation, or updated/available replicas
 *   below spec.replicas).
 * - `minPodAge` (Go duration): pods younger than it (or of unknown age) are no candidates.
 * - `minAvailable` (integer or percentage of spec.replicas, rounded up as a PDB's minAvailable):
 *   a pod removal must leave at least that many ready pods; a scale must not set fewer replicas,
 *   nor leave fewer ready ones.
 *
 * A guard that cannot be evaluated (bad value, missing facts) gives `unknown`: the caller fails
 * closed. Every `blocked` message carries the numbers compared.
 */
import type { GuardV1 } from '../../../api/v1.ts';
import { parseGoDuration, durationToMs } from '../../../api/duration.ts';
import type { DeploymentInfo, PodInfo } from '../ports.ts';

/** Verdict of a guard check. */
export type GuardVerdict = { kind: 'ok' } | { kind: 'blocked'; message: string } | { kind: 'unknown'; why: string };

/** The Deployment facts the guards read. */
export type GuardDeployment = Pick<DeploymentInfo, 'replicas' | 'generation' | 'observedGeneration' | 'readyReplicas' | 'updatedReplicas' | 'availableReplicas'>;

const OK: GuardVerdict = Object.freeze({ kind: 'ok' });

/** True when the CMC sets any guard (an empty `guard: {}` still turns on skipDuringRollout). */
export function hasGuard(guard: GuardV1 | undefined): guard is GuardV1 {
  return guard !== undefined && guard !== null && typeof guard === 'object';
}

/**
 * minAvailable as a number of pods: an integer as is; "N%" of `desired`, rounded up (kube's
 * intstr.GetScaledValueFromIntOrPercent with roundUp). Undefined when the value is malformed.
 */
export function resolveMinAvailable(value: number | string, desired: number): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+)%$/.exec(value);
  if (m === null) return undefined;
  const percent = Number(m[1]);
  if (!Number.isSafeInteger(percent) || !Number.isSafeInteger(desired) || desired < 0) return undefined;
  return Math.ceil((percent * desired) / 100);
}

/** Whether the Deployment is rolling out; null when its facts do not tell (fail closed). */
function rolloutReason(d: GuardDeployment): string | null | undefined {
  if (d.generation === undefined) return undefined;
  if (d.observedGeneration === undefined || d.observedGeneration < d.generation) {
    return `deployment rolling out: observedGeneration ${d.observedGeneration ?? 'unset'} is behind generation ${d.generation}`;
  }
  if (d.updatedReplicas < d.replicas || d.availableReplicas < d.replicas) {
    return `deployment rolling out: ${d.updatedReplicas} updated and ${d.availableReplicas} available of ${d.replicas} desired replicas`;
  }
  return null;
}

/** skipDuringRollout (default true when a guard is set). */
export function checkRollout(guard: GuardV1 | undefined, deployment: GuardDeployment): GuardVerdict {
  if (!hasGuard(guard) || guard.skipDuringRollout === false) return OK;
  const reason = rolloutReason(deployment);
  if (reason === undefined) return { kind: 'unknown', why: 'guard skipDuringRollout cannot be evaluated: the deployment has no metadata.generation' };
  return reason === null ? OK : { kind: 'blocked', message: `guard skipDuringRollout: ${reason}` };
}

/**
 * minPodAge: the pods old enough to be killed. Pods without a creationTimestamp are excluded (their
 * age is unknown). `blocked` when none of `pods` (non-empty) is old enough.
 */
export function filterByAge(guard: GuardV1 | undefined, pods: readonly PodInfo[], now: number): { kind: 'ok'; pods: readonly PodInfo[] } | Exclude<GuardVerdict, { kind: 'ok' }> {
  if (!hasGuard(guard) || guard.minPodAge === undefined) return { kind: 'ok', pods };
  const parsed = typeof guard.minPodAge === 'string' ? parseGoDuration(guard.minPodAge) : undefined;
  if (parsed === undefined || !parsed.ok) return { kind: 'unknown', why: `guard minPodAge ${JSON.stringify(guard.minPodAge)} is not a Go duration` };
  const minAgeMs = durationToMs(parsed.ns);
  const old = pods.filter((p) => p.creationTimestamp !== undefined && now - p.creationTimestamp >= minAgeMs);
  if (old.length === 0 && pods.length > 0) {
    return { kind: 'blocked', message: `guard minPodAge: all ${pods.length} pods are younger than ${guard.minPodAge}` };
  }
  return { kind: 'ok', pods: old };
}

function minAvailableOf(guard: GuardV1, desired: number): { value: number } | Exclude<GuardVerdict, { kind: 'ok' }> {
  const value = resolveMinAvailable(guard.minAvailable as number | string, desired);
  if (value === undefined) return { kind: 'unknown', why: `guard minAvailable ${JSON.stringify(guard.minAvailable)} is neither a non-negative integer nor a percentage` };
  return { value };
}

function label(guard: GuardV1, value: number): string {
  return typeof guard.minAvailable === 'string' ? `${value} (${guard.minAvailable} of the desired replicas, rounded up)` : String(value);
}

/**
 * minAvailable for a pod removal: ready pods (Ready condition true, not terminating) minus the
 * victim when it is one of them must stay >= minAvailable.
 */
export function checkPodRemoval(guard: GuardV1 | undefined, deployment: GuardDeployment, pods: readonly PodInfo[], victim: PodInfo): GuardVerdict {
  if (!hasGuard(guard) || guard.minAvailable === undefined) return OK;
  const min = minAvailableOf(guard, deployment.replicas);
  if (!('value' in min)) return min;
  const ready = pods.filter((p) => p.ready === true && !p.terminating);
  const after = ready.length - (ready.some((p) => p.name === victim.name) ? 1 : 0);
  if (after >= min.value) return OK;
  return {
    kind: 'blocked',
    message: `guard minAvailable: ${ready.length} of ${deployment.replicas} desired pods are ready, ${after} would be after killing ${victim.name}, below minAvailable ${label(guard, min.value)}`,
  };
}

/**
 * minAvailable for randomScale: the new count must not be below minAvailable (of the current
 * desired replicas), nor leave fewer ready pods than it (min(ready, new)).
 */
export function checkScale(guard: GuardV1 | undefined, deployment: GuardDeployment, replicas: number): GuardVerdict {
  if (!hasGuard(guard) || guard.minAvailable === undefined) return OK;
  const min = minAvailableOf(guard, deployment.replicas);
  if (!('value' in min)) return min;
  if (replicas < min.value) {
    return { kind: 'blocked', message: `guard minAvailable: scaling from ${deployment.replicas} to ${replicas} replicas would go below minAvailable ${label(guard, min.value)}` };
  }
  const after = Math.min(deployment.readyReplicas, replicas);
  if (after < min.value) {
    return { kind: 'blocked', message: `guard minAvailable: ${deployment.readyReplicas} of ${deployment.replicas} desired pods are ready, ${after} would be after scaling to ${replicas}, below minAvailable ${label(guard, min.value)}` };
  }
  return OK;
}

/** How many ready pods a batch may remove under minAvailable; `ready` and `min` for messages. */
export interface RemovalBudget {
  kind: 'ok';
  /** Ready pods that may still be removed (Infinity without minAvailable; never negative). */
  budget: number;
  ready: number;
  /** The resolved minAvailable, with its text for messages; undefined without minAvailable. */
  min?: { value: number; text: string };
}

/**
 * minAvailable for a batch of pod removals (issue 12): ready pods (Ready true, not terminating)
 * minus the ready victims must stay >= minAvailable, so at most `ready - minAvailable` ready pods
 * may go; victims that are not ready cost nothing.
 */
export function removalBudget(guard: GuardV1 | undefined, deployment: GuardDeployment, pods: readonly PodInfo[]): RemovalBudget | Exclude<GuardVerdict, { kind: 'ok' }> {
  const ready = pods.filter((p) => p.ready === true && !p.terminating).length;
  if (!hasGuard(guard) || guard.minAvailable === undefined) return { kind: 'ok', budget: Infinity, ready };
  const min = minAvailableOf(guard, deployment.replicas);
  if (!('value' in min)) return min;
  return { kind: 'ok', budget: Math.max(0, ready - min.value), ready, min: { value: min.value, text: label(guard, min.value) } };
}
