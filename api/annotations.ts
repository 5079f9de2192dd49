/**
 * Annotations of our group used by the conversion webhook to keep round trips lossless.
 * Pure data and tiny helpers; no I/O.
 */
import { GROUP } from './names.ts';

/**
 * Set on a v1alpha1 object converted from a v1 object whose `spec.scalingMode` v1alpha1 cannot express
 * (`antiPressure`, or any other value that is not `killPod`/`randomScale`). Holds the v1 value; removed
 * again when the object converts back to v1 (where it restores the mode if `podMode` is still false).
 */
export const V1_SCALING_MODE_ANNOTATION = `${GROUP}/v1-scaling-mode`;

/**
 * Set on a v1alpha1 object converted from a v1 object that sets any of issue 11's fields, which
 * v1alpha1 has no place for (`dryRun`, `killMethod`, `gracePeriodSeconds`, `guard`; issue 12's `selection`, `podSelector`,
 * `schedule`): their JSON, as
 * one object. Removed again when the object converts back to v1, where the fields are restored.
 */
export const V1_GUARDRAILS_ANNOTATION = `${GROUP}/v1-guardrails`;

/** The v1 spec fields carried by {@link V1_GUARDRAILS_ANNOTATION}. */
export const V1_ONLY_SPEC_FIELDS: readonly string[] = Object.freeze(['dryRun', 'killMethod', 'gracePeriodSeconds', 'guard', 'selection', 'podSelector', 'schedule']);

/** Every annotation the conversion adds and removes: these never reach the storage version. */
export const CONVERSION_ANNOTATIONS: readonly string[] = [V1_SCALING_MODE_ANNOTATION, V1_GUARDRAILS_ANNOTATION];

/**
 * Returns `annotations` with `key` set to `value` (or removed when `value` is undefined), as a new object.
 * Removing a key that is absent returns the input itself; removing the last key returns `undefined`, so an
 * object that had no annotations before the conversion added one has none after it is removed.
 * Never mutates its input.
 */
export function withAnnotation(
  annotations: Record<string, string> | undefined,
  key: string,
  value: string | undefined,
): Record<string, string> | undefined {
  if (value === undefined) {
    if (annotations === undefined || !Object.prototype.hasOwnProperty.call(annotations, key)) return annotations;
    const rest: Record<string, string> = { ...annotations };
    delete rest[key];
    return Object.keys(rest).length === 0 ? undefined : rest;
  }
  return { ...(annotations ?? {}), [key]: value };
}
