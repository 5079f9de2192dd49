/**
 * policy/v1 PodDisruptionBudget: defaults, validation (kube's pkg/apis/policy/validation messages) and the pure
 * pieces the disruption controller and the eviction subresource share (selector match, int-or-percent scaling,
 * the DisruptionAllowed condition).
 */
import type { KObject } from '../store/types.ts';
import { labelSelectorFromObject, matchesLabels } from '../lib/label-selector.ts';
import { regexError } from '../lib/kube-validation.ts';
import type { StatusCause } from './status.ts';

type Json = Record<string, unknown>;
type IntOrString = number | string;

/** The spec fields the sandbox reads. */
export interface PdbSpec {
  minAvailable?: IntOrString;
  maxUnavailable?: IntOrString;
  selector?: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | null;
  unhealthyPodEvictionPolicy?: string;
}

/** A `metav1.Condition`. */
export interface PdbCondition {
  type: string;
  status: string;
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** policy/v1 PodDisruptionBudgetStatus (Go field order; the four counters are never omitted). */
export interface PdbStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: PdbCondition[];
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The spec of a PDB object (empty when absent). */
export function pdbSpec(o: KObject): PdbSpec {
  return (isObj(o.spec) ? o.spec : {}) as PdbSpec;
}

/** The status of a PDB object with the counters filled in. */
export function pdbStatus(o: KObject): PdbStatus {
  const s = (isObj(o.status) ? o.status : {}) as Partial<PdbStatus>;
  const n = (v: unknown): number => (typeof v === 'number' ? v : 0);
  const out: Partial<PdbStatus> = {};
  if (typeof s.observedGeneration === 'number') out.observedGeneration = s.observedGeneration;
  if (isObj(s.disruptedPods) && Object.keys(s.disruptedPods).length > 0) out.disruptedPods = s.disruptedPods as Record<string, string>;
  const full: PdbStatus = { ...out, disruptionsAllowed: n(s.disruptionsAllowed), currentHealthy: n(s.currentHealthy), desiredHealthy: n(s.desiredHealthy), expectedPods: n(s.expectedPods) };
  if (Array.isArray(s.conditions)) full.conditions = s.conditions;
  return full;
}

/** Whether a pod object is Ready (condition Ready=True; kube's podutil.IsPodReady). */
export function podReady(pod: KObject): boolean {
  const conds = ((pod.status as { conditions?: { type?: string; status?: string }[] } | undefined)?.conditions) ?? [];
  return conds.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Whether the PDB's selector selects these labels (policy/v1: a null selector selects nothing, `{}` everything). */
export function pdbSelects(spec: PdbSpec, labels: Record<string, string> | undefined): boolean {
  if (!isObj(spec.selector)) return false;
  try {
    return matchesLabels(labelSelectorFromObject(spec.selector), labels);
  } catch {
    return false; // an invalid selector matches no pod (kube's eviction handler skips it)
  }
}

/** kube's intstr.GetScaledValueFromIntOrPercent with roundUp=true; undefined for a malformed value. */
export function scaledValue(v: IntOrString, total: number): number | undefined {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return undefined;
  return Math.ceil((Number(m[1]) * total) / 100);
}

/** pdbhelper.UpdateDisruptionAllowedCondition: sets DisruptionAllowed from disruptionsAllowed (apimeta.SetStatusCondition semantics). */
export function withDisruptionAllowedCondition(status: PdbStatus, now: string): PdbStatus {
  const allowed = status.disruptionsAllowed > 0;
  const next: PdbCondition = { type: 'DisruptionAllowed', status: allowed ? 'True' : 'False', lastTransitionTime: now, reason: allowed ? 'SufficientPods' : 'InsufficientPods', message: '' };
  if (status.observedGeneration !== undefined) next.observedGeneration = status.observedGeneration;
  const conditions = [...(status.conditions ?? [])];
  const i = conditions.findIndex((c) => c.type === 'DisruptionAllowed');
  if (i < 0) conditions.push(next);
  else {
    const old = conditions[i] as PdbCondition;
    conditions[i] = { ...next, lastTransitionTime: old.status === next.status && old.lastTransitionTime ? old.lastTransitionTime : now };
  }
  return { ...status, conditions };
}

/** Defaults: a new PDB starts with zero counters (kube resets status on create). */
export function pdbDefaults(obj: KObject, old: KObject | undefined): void {
  if (!old) obj.status = {};
  obj.status = pdbStatus(obj);
}

/** Go's `%#v` of an IntOrString (what field.Invalid prints for it). */
function goIntOrString(v: IntOrString): string {
  return typeof v === 'number' ? `intstr.IntOrString{Type:0, IntVal:${v}, StrVal:""}` : `intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(v)}}`;
}

/** A Go pointer as `%#v` prints it; the address is a stand-in (kube prints a real heap address). */
function goPtr(type: string, present: boolean, n: number): string {
  return `(*${type})(${present ? `0xc000${(0x10000 + n * 0x20).toString(16)}` : 'nil'})`;
}

function validateIntOrPercent(v: unknown, field: string): StatusCause[] {
  const invalid = (value: string, msg: string): StatusCause => ({ reason: 'FieldValueInvalid', message: `Invalid value: ${value}: ${msg}`, field });
  if (typeof v === 'number') return v < 0 ? [invalid(String(v), 'must be greater than or equal to 0')] : [];
  if (typeof v !== 'string') return [invalid(JSON.stringify(v), "must be an integer or percentage (e.g '5%%')")];
  const out: StatusCause[] = [];
  const m = /^(\d+)%$/.exec(v);
  if (!m) out.push(invalid(goIntOrString(v), regexError("a valid percent string must be a numeric string followed by an ending '%'", '[0-9]+%', '1%', '93%')));
  else if (Number(m[1]) > 100) out.push(invalid(goIntOrString(v), 'must not be greater than 100%'));
  return out;
}

/** ValidatePodDisruptionBudgetSpec (the parts a hand-written PDB hits). */
export function pdbValidate(obj: KObject): StatusCause[] {
  const spec = pdbSpec(obj);
  const causes: StatusCause[] = [];
  const has = (k: keyof PdbSpec): boolean => spec[k] !== undefined && spec[k] !== null;
  if (has('minAvailable') && has('maxUnavailable')) {
    const goSpec = `policy.PodDisruptionBudgetSpec{MinAvailable:${goPtr('intstr.IntOrString', true, 0)}, Selector:${goPtr('v1.LabelSelector', has('selector'), 2)}, MaxUnavailable:${goPtr('intstr.IntOrString', true, 1)}, UnhealthyPodEvictionPolicy:${goPtr('policy.UnhealthyPodEvictionPolicyType', has('unhealthyPodEvictionPolicy'), 3)}}`;
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${goSpec}: minAvailable and maxUnavailable cannot be both set`, field: 'spec' });
  }
  if (has('minAvailable')) causes.push(...validateIntOrPercent(spec.minAvailable, 'spec.minAvailable'));
  if (has('maxUnavailable')) causes.push(...validateIntOrPercent(spec.maxUnavailable, 'spec.maxUnavailable'));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (policy !== undefined && policy !== null && policy !== 'AlwaysAllow' && policy !== 'IfHealthyBudget') {
    causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(policy)}: supported values: "AlwaysAllow", "IfHealthyBudget"`, field: 'spec.unhealthyPodEvictionPolicy' });
  }
  return causes;
}
