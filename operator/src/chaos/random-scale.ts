/**
 * `randomScale` mode (seed-spec.md 7, issue 4 point 6): set the target Deployment's replicas to a
 * count drawn uniformly in [minReplicas, maxReplicas]. The seed drew in [0, max] and clamped up to
 * min, which favours min; we draw uniformly (README says so).
 */
import type { ClusterActions, MutationOptions, Random, ScaleResult } from '../ports.ts';

/** Decision of {@link decideScale}. */
export type ScaleDecision = { kind: 'scale'; replicas: number } | { kind: 'skip'; reason: string };

/**
 * Pure choice: one `random.int(min, max)` draw. Skips (never throws) when the bounds are not
 * integers, min < 0 or min > max (the reconciler normally rejects such specs earlier).
 */
export function decideScale(minReplicas: number, maxReplicas: number, random: Random): ScaleDecision {
  if (!Number.isSafeInteger(minReplicas) || !Number.isSafeInteger(maxReplicas)) {
    return { kind: 'skip', reason: `replica bounds must be integers (minReplicas ${minReplicas}, maxReplicas ${maxReplicas})` };
  }
  if (minReplicas < 0) return { kind: 'skip', reason: `minReplicas ${minReplicas} is negative` };
  if (minReplicas > maxReplicas) return { kind: 'skip', reason: `minReplicas ${minReplicas} is greater than maxReplicas ${maxReplicas}` };
  return { kind: 'scale', replicas: random.int(minReplicas, maxReplicas) };
}

/**
 * Patches `deployments/<name>/scale` to the chosen count; resolves the replicas and the Deployment
 * UID the API answered.
 * Throws what `actions.scaleDeployment` throws (NotFoundError when the Deployment is gone).
 */
export async function executeScale(
  decision: Extract<ScaleDecision, { kind: 'scale' }>,
  actions: Pick<ClusterActions, 'scaleDeployment'>,
  target: { namespace: string; name: string },
  options: MutationOptions = {},
): Promise<ScaleResult> {
  return actions.scaleDeployment(target.namespace, target.name, decision.replicas, options);
}
