/**
 * Namespace eligibility (seed-spec.md 4.1, issue 4 point 2). Pure: an ordered list of checks, the
 * first one that fails gives the reason (as Pepr's adjudicators); `null` means eligible.
 *
 * | behavior | label absent | "true" | "false" | other value |
 * |---|---|---|---|---|
 * | AllowAll | allowed | allowed | denied | allowed |
 * | DenyAll | denied | allowed | denied | denied |
 *
 * Label values compare case-sensitively ("True" is not "true"), as in the seed. Unlike the seed,
 * the operator's own namespace is never a target unless `targetSelf` is set.
 */
import { NAMESPACE_LABEL } from '../../../api/names.ts';
import type { NamespaceInfo } from '../ports.ts';

/** Namespace policy (same values as config's Behavior). */
export type NamespaceBehavior = 'AllowAll' | 'DenyAll';

/** Why a namespace is not a chaos target. `code` is stable (usable as a condition reason). */
export interface IneligibleReason {
  code: 'NamespaceNotFound' | 'NamespaceTerminating' | 'OwnNamespace' | 'NamespaceOptedOut' | 'NamespaceNotOptedIn';
  message: string;
}

/** Inputs of {@link checkEligibility}. */
export interface EligibilityInput {
  /** Namespace from the cache; undefined when it is not (or no longer) there. */
  namespace: NamespaceInfo | undefined;
  /** Name looked up (used in messages when `namespace` is undefined). */
  namespaceName: string;
  behavior: NamespaceBehavior;
  /** The operator's own namespace. */
  ownNamespace: string;
  /** CHAOSMONKEY_TARGET_SELF. */
  targetSelf: boolean;
}

/**
 * True when the label rule alone admits the namespace under `behavior` (table above).
 * @param labels namespace labels; only {@link NAMESPACE_LABEL} is read.
 */
export function isAllowedByLabel(labels: Readonly<Record<string, string>>, behavior: NamespaceBehavior): boolean {
  const value = Object.hasOwn(labels, NAMESPACE_LABEL) ? labels[NAMESPACE_LABEL] : undefined;
  return behavior === 'AllowAll' ? value !== 'false' : value === 'true';
}

/**
 * Checks, in order: namespace exists, is not terminating, is not the operator's own namespace
 * (unless targetSelf), and the label rule. Returns the first failing reason, or null when the
 * namespace is eligible.
 */
export function checkEligibility(input: EligibilityInput): IneligibleReason | null {
  const { namespace, namespaceName, behavior, ownNamespace, targetSelf } = input;
  if (namespace === undefined) {
    return { code: 'NamespaceNotFound', message: `namespace ${namespaceName} not found` };
  }
  if (namespace.terminating) {
    return { code: 'NamespaceTerminating', message: `namespace ${namespace.name} is terminating` };
  }
  if (namespace.name === ownNamespace && !targetSelf) {
    return {
      code: 'OwnNamespace',
      message: `namespace ${namespace.name} is the operator's own namespace (set CHAOSMONKEY_TARGET_SELF=true to allow chaos there)`,
    };
  }
  if (!isAllowedByLabel(namespace.labels, behavior)) {
    return behavior === 'AllowAll'
      ? { code: 'NamespaceOptedOut', message: `namespace ${namespace.name} is labelled ${NAMESPACE_LABEL}=false (behavior AllowAll)` }
      : { code: 'NamespaceNotOptedIn', message: `namespace ${namespace.name} is not labelled ${NAMESPACE_LABEL}=true (behavior DenyAll)` };
  }
  return null;
}
