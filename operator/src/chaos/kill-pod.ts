/**
 * `killPod` mode (seed-spec.md 6, issue 4 point 6): delete pods chosen uniformly at random among
 * the target's Running, non-terminating pods (the choice and batch size: chaos/selection.ts, issue
 * 12). min/maxReplicas are ignored, as in the seed.
 */
import type { ClusterActions, MutationOptions, PodInfo } from '../ports.ts';

/** What {@link executeKillPod} deletes: the victim (chosen by chaos/selection.ts) and how many candidates it was drawn from. */
export interface KillPodDecision {
  kind: 'kill';
  pod: PodInfo;
  candidates: number;
}

/** Result of {@link executeKillPod}: `alreadyGone` when the pod vanished before the DELETE (404). */
export interface KillPodResult {
  kind: 'killed' | 'alreadyGone';
  pod: PodInfo;
}

/**
 * Deletes the chosen pod with `gracePeriodSeconds` (seed: 0). Throws what `actions.deletePod`
 * throws (typed ChaosMonkeyError). Idempotent: an already-deleted pod gives `alreadyGone`.
 */
export async function executeKillPod(
  decision: KillPodDecision,
  actions: Pick<ClusterActions, 'deletePod'>,
  gracePeriodSeconds: number,
  options: MutationOptions = {},
): Promise<KillPodResult> {
  const { pod } = decision;
  const deleted = await actions.deletePod(pod.namespace, pod.name, gracePeriodSeconds, { ...options, ...(pod.uid !== '' ? { uid: pod.uid } : {}) });
  return { kind: deleted ? 'killed' : 'alreadyGone', pod };
}
