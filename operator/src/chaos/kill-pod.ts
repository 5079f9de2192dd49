/**
 * `killPod` mode (seed-spec.md 6, issue 4 point 6): delete one pod chosen uniformly at random among
 * the target's pods that are not already terminating. min/maxReplicas are ignored, as in the seed.
 */
import type { ClusterActions, MutationOptions, PodInfo, Random } from '../ports.ts';

/** Decision of {@link decideKillPod}. `candidates` = number of pods the victim was drawn from. */
export type KillPodDecision = { kind: 'kill'; pod: PodInfo; candidates: number } | { kind: 'skip'; reason: string };

/** Result of {@link executeKillPod}: `alreadyGone` when the pod vanished before the DELETE (404). */
export interface KillPodResult {
  kind: 'killed' | 'alreadyGone';
  pod: PodInfo;
}

/**
 * Pure choice: uniform among pods without a deletion timestamp (one `random.pick` call). Skips
 * with a human-readable reason when there are no pods or all are terminating.
 * @param pods the target Deployment's pods (already selected by its selector).
 */
export function decideKillPod(pods: readonly PodInfo[], random: Random): KillPodDecision {
  if (pods.length === 0) return { kind: 'skip', reason: "no pods match the target deployment's selector" };
  const candidates = pods.filter((p) => !p.terminating);
  if (candidates.length === 0) return { kind: 'skip', reason: `all ${pods.length} pods of the target are already terminating` };
  return { kind: 'kill', pod: random.pick(candidates), candidates: candidates.length };
}

/**
 * Deletes the chosen pod with `gracePeriodSeconds` (seed: 0). Throws what `actions.deletePod`
 * throws (typed ChaosMonkeyError). Idempotent: an already-deleted pod gives `alreadyGone`.
 */
export async function executeKillPod(
  decision: Extract<KillPodDecision, { kind: 'kill' }>,
  actions: Pick<ClusterActions, 'deletePod'>,
  gracePeriodSeconds: number,
  options: MutationOptions = {},
): Promise<KillPodResult> {
  const { pod } = decision;
  const deleted = await actions.deletePod(pod.namespace, pod.name, gracePeriodSeconds, { ...options, ...(pod.uid !== '' ? { uid: pod.uid } : {}) });
  return { kind: deleted ? 'killed' : 'alreadyGone', pod };
}
