/**
 * `antiPressure` mode (seed-spec.md 8, issue 4 point 6): delete the running pod with the highest
 * total CPU (sum over its containers, from metrics.k8s.io), ties broken at random; do nothing when
 * the number of running pods is <= minReplicas (the CRD promises it, the seed did not honour it).
 */
import type { ClusterActions, MutationOptions, PodCpu, PodInfo, Random } from '../ports.ts';

/** Decision of {@link decideAntiPressure}. `cpuNanoCores` is the victim's total CPU. */
export type AntiPressureDecision =
  | { kind: 'kill'; pod: PodInfo; cpuNanoCores: number; candidates: number }
  | { kind: 'skip'; reason: string; noMetrics?: boolean };

/** Pods that count as running: phase Running and not terminating. */
export function runningPods(pods: readonly PodInfo[]): PodInfo[] {
  return pods.filter((p) => p.phase === 'Running' && !p.terminating);
}

/**
 * Pre-check that needs no metrics (so the caller can avoid the metrics request): a skip decision
 * when there are no running pods or their number is <= minReplicas, else null.
 */
export function checkAntiPressureHeadroom(pods: readonly PodInfo[], minReplicas: number): Extract<AntiPressureDecision, { kind: 'skip' }> | null {
  const running = runningPods(pods).length;
  if (running === 0) return { kind: 'skip', reason: 'no running pods in the target deployment' };
  if (running <= minReplicas) {
    return { kind: 'skip', reason: `only ${running} running pod(s), not more than minReplicas ${minReplicas}: not killing under pressure` };
  }
  return null;
}

/**
 * Pure choice, checks in order: running pods exist and exceed minReplicas; metrics exist for at
 * least one running pod (otherwise a skip with `noMetrics: true`, for the warning Event); then the
 * running pod with the highest CPU, ties by one `random.pick`. Pods without metrics are not
 * candidates. When several metric entries name the same pod, the last one wins.
 */
export function decideAntiPressure(pods: readonly PodInfo[], cpu: readonly PodCpu[], minReplicas: number, random: Random): AntiPressureDecision {
  const headroom = checkAntiPressureHeadroom(pods, minReplicas);
  if (headroom !== null) return headroom;
  return busiestOf(runningPods(pods), cpu, random);
}

/**
 * The candidate with the highest CPU, ties by one `random.pick` (no headroom check: the caller
 * made it on the Deployment's pods). Candidates without metrics are left out; none measured gives
 * a skip with `noMetrics: true`. When several metric entries name the same pod, the last one wins.
 */
export function busiestOf(candidates: readonly PodInfo[], cpu: readonly PodCpu[], random: Random): AntiPressureDecision {
  const usage = new Map(cpu.map((c) => [c.name, c.cpuNanoCores]));
  const measured = candidates.filter((p) => usage.has(p.name));
  if (measured.length === 0) {
    return { kind: 'skip', noMetrics: true, reason: cpu.length === 0 ? 'no pod metrics available for the target' : 'no pod metrics for the running pods of the target' };
  }
  let max = -Infinity;
  let busiest: PodInfo[] = [];
  for (const pod of measured) {
    const value = usage.get(pod.name) as number;
    if (value > max) {
      max = value;
      busiest = [pod];
    } else if (value === max) {
      busiest.push(pod);
    }
  }
  const pod = busiest.length === 1 ? (busiest[0] as PodInfo) : random.pick(busiest);
  return { kind: 'kill', pod, cpuNanoCores: max, candidates: measured.length };
}

/**
 * Deletes the chosen pod with `gracePeriodSeconds`; resolves true when deleted, false when it was
 * already gone. Throws what `actions.deletePod` throws.
 */
export async function executeAntiPressure(
  decision: Extract<AntiPressureDecision, { kind: 'kill' }>,
  actions: Pick<ClusterActions, 'deletePod'>,
  gracePeriodSeconds: number,
  options: MutationOptions = {},
): Promise<boolean> {
  const { pod } = decision;
  return actions.deletePod(pod.namespace, pod.name, gracePeriodSeconds, { ...options, ...(pod.uid !== '' ? { uid: pod.uid } : {}) });
}
