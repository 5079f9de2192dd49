/**
 * Defaults of the CRD, as data (seed-spec.md 1.2). v1 declares none: the seed's v1 spec fields are required (timeout: exactly one of timeout and schedule.cron).
 * Pure, no I/O. Keep in sync with crds/chaosmonkeyconfigurations.yaml (a unit test compares them).
 */
import type { CmcSpecV1Alpha1 } from './v1alpha1.ts';

/** The v1alpha1 schema defaults, applied by the API server to fields that are absent. */
export const V1ALPHA1_DEFAULTS: Readonly<Omit<CmcSpecV1Alpha1, 'deploymentName'>> = Object.freeze({
  enabled: true,
  minReplicas: 0,
  maxReplicas: 5,
  podMode: true,
  timeout: '30s',
});

/** Smallest timeout accepted by both versions' validation rules, in nanoseconds (1s). */
export const MIN_TIMEOUT_NS = 1_000_000_000n;

/**
 * Returns a copy of a v1alpha1 spec with the schema defaults filled in where a field is absent
 * (`undefined`), as the API server does on create. Present values, even of a wrong type, are kept.
 * Never mutates its input.
 */
export function withV1Alpha1Defaults(spec: Partial<CmcSpecV1Alpha1> & Record<string, unknown>): Partial<CmcSpecV1Alpha1> & Record<string, unknown> {
  const out: Partial<CmcSpecV1Alpha1> & Record<string, unknown> = { ...spec };
  for (const [key, value] of Object.entries(V1ALPHA1_DEFAULTS)) {
    if (out[key] === undefined) out[key] = value;
  }
  return out;
}
