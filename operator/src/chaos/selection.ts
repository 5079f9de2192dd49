/**
 * Whom one killPod action hits (issue 12 point 2). Pure, with the injected Random.
 *
 * - Candidates: pods of the target Deployment (already listed by its selector) that also match
 *   `spec.podSelector`, are in phase Running and not terminating. Nothing else is ever a candidate.
 * - Batch size per `spec.selection.mode` over n candidates (kube-monkey's and Chaos Mesh's modes):
 *   `one` (default) min(1, n); `fixed` min(value, n); `fixed-percent` floor(n * value / 100), at
 *   least 1 when n > 0; `random-max-percent` uniform in [1, max(1, floor(n * value / 100))] when
 *   n > 0 (a due slot always hits someone: unlike Chaos Mesh and kube-monkey, 0 is never drawn);
 *   `all` n.
 * - Victims are drawn without replacement by a lazy Fisher-Yates shuffle: {@link VictimDraw.next}
 *   gives the next one, so a victim found gone (404) is replaced at once by a fresh draw. The first
 *   draw is `random.int(0, n - 1)`, the very draw the seed-compatible single pick made.
 */
import { matchesLabelSelector } from '../../../api/label-selector.ts';
import type { LabelSelectorV1, SelectionMode, SelectionV1 } from '../../../api/v1.ts';
import type { PodInfo, Random } from '../ports.ts';

/** True when `labels` satisfy `selector` (metav1.LabelSelector semantics; no selector matches everything). */
export function matchesSelector(labels: Readonly<Record<string, string>>, selector: LabelSelectorV1 | undefined): boolean {
  return selector === undefined || matchesLabelSelector(labels, selector);
}

/** Result of {@link candidatesOf}: the candidates, or why there are none. */
export type Candidates = { kind: 'ok'; pods: PodInfo[] } | { kind: 'none'; reason: string };

/** Pods that may be killed: matching `podSelector`, phase Running, not terminating. */
export function candidatesOf(pods: readonly PodInfo[], podSelector: LabelSelectorV1 | undefined): Candidates {
  if (pods.length === 0) return { kind: 'none', reason: "no pods match the target deployment's selector" };
  const selected = pods.filter((p) => matchesSelector(p.labels, podSelector));
  if (selected.length === 0) return { kind: 'none', reason: `none of the ${pods.length} pods of the target matches spec.podSelector` };
  const running = selected.filter((p) => p.phase === 'Running' && !p.terminating);
  if (running.length === 0) {
    const terminating = selected.filter((p) => p.terminating).length;
    const of = podSelector === undefined ? `${selected.length} pods of the target` : `${selected.length} pods matching spec.podSelector`;
    return { kind: 'none', reason: terminating === selected.length ? `all ${of} are already terminating` : `none of the ${of} is Running and not terminating` };
  }
  return { kind: 'ok', pods: running };
}

/** The selection mode in effect (`one` when unset). */
export function selectionMode(selection: SelectionV1 | undefined): SelectionMode {
  return selection?.mode ?? 'one';
}

/**
 * How many of `n` candidates one action kills (see the module comment). `random` is used by
 * random-max-percent only. A malformed value (validation rejects it) gives 0: nothing is killed.
 */
export function batchSize(selection: SelectionV1 | undefined, n: number, random: Random): number {
  if (!Number.isSafeInteger(n) || n <= 0) return 0;
  const mode = selectionMode(selection);
  if (mode === 'one') return 1;
  if (mode === 'all') return n;
  const value = selection?.value;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) return 0;
  switch (mode) {
    case 'fixed':
      return Math.min(value, n);
    case 'fixed-percent':
      return value <= 100 ? Math.max(1, Math.floor((n * value) / 100)) : 0;
    case 'random-max-percent':
      return value <= 100 ? random.int(1, Math.max(1, Math.floor((n * value) / 100))) : 0;
    default:
      return 0;
  }
}

/** Victims drawn one at a time, without replacement, uniformly among the remaining candidates. */
export interface VictimDraw {
  /** The next victim, or undefined when every candidate was drawn. */
  next(): PodInfo | undefined;
  /** Candidates not drawn yet. */
  readonly remaining: number;
}

/** A lazy Fisher-Yates shuffle of `candidates` (not mutated). */
export function drawVictims(candidates: readonly PodInfo[], random: Random): VictimDraw {
  const pool = candidates.slice();
  let i = 0;
  return {
    next(): PodInfo | undefined {
      if (i >= pool.length) return undefined;
      const j = random.int(i, pool.length - 1);
      const chosen = pool[j] as PodInfo;
      pool[j] = pool[i] as PodInfo;
      pool[i] = chosen;
      i++;
      return chosen;
    },
    get remaining(): number {
      return pool.length - i;
    },
  };
}

/** Human-readable description of the selection for reasons, e.g. "fixed 2" or "fixed-percent 50%". */
export function describeSelection(selection: SelectionV1 | undefined): string {
  const mode = selectionMode(selection);
  if (mode === 'fixed') return `fixed ${selection?.value ?? '?'}`;
  if (mode === 'fixed-percent' || mode === 'random-max-percent') return `${mode} ${selection?.value ?? '?'}%`;
  return mode;
}

/** The victims of one action after the minAvailable budget (see {@link planBatch}). */
export interface BatchPlan {
  victims: PodInfo[];
  /** Ready pods drawn for the batch but left out because the budget was spent. */
  dropped: PodInfo[];
  /** Ready-pod removals still allowed after `victims`. */
  budgetLeft: number;
}

/**
 * Draws `size` victims and keeps those the ready-pod `budget` allows (a ready victim costs 1, any
 * other nothing). Dropped ready pods are not redrawn: the batch shrinks, it is never refilled
 * with pods that are not ready (which would bias the choice towards them).
 */
export function planBatch(draw: VictimDraw, size: number, budget: number): BatchPlan {
  const victims: PodInfo[] = [];
  const dropped: PodInfo[] = [];
  let left = budget;
  for (let k = 0; k < size; k++) {
    const pod = draw.next();
    if (pod === undefined) break;
    if (pod.ready === true) {
      if (left <= 0) {
        dropped.push(pod);
        continue;
      }
      left--;
    }
    victims.push(pod);
  }
  return { victims, dropped, budgetLeft: left };
}

/** "a, b (+3)": the first `shown` names, then how many more. */
export function formatTargets(names: readonly string[], shown = 2): string {
  if (names.length <= shown) return names.join(', ');
  return `${names.slice(0, shown).join(', ')} (+${names.length - shown})`;
}
