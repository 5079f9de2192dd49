/** Names shared by every part of the project: the CRD group, kinds and the namespace label (seed-spec.md 1, 4.1). */

/** API group of the ChaosMonkeyConfiguration CRD. */
export const GROUP = 'cm.massix.github.io';
/** Kind of the custom resource. */
export const KIND = 'ChaosMonkeyConfiguration';
/** Plural resource name used in URLs. */
export const PLURAL = 'chaosmonkeyconfigurations';
/** Singular resource name. */
export const SINGULAR = 'chaosmonkeyconfiguration';
/** Short name for kubectl. */
export const SHORT_NAME = 'cmc';
/** Hub and storage version. */
export const V1 = 'v1';
/** Deprecated served version. */
export const V1ALPHA1 = 'v1alpha1';
/** Full apiVersion strings. */
export const API_VERSION_V1 = `${GROUP}/${V1}`;
export const API_VERSION_V1ALPHA1 = `${GROUP}/${V1ALPHA1}`;
/** Full CRD name. */
export const CRD_NAME = `${PLURAL}.${GROUP}`;
/** Namespace label deciding eligibility under AllowAll / DenyAll (seed-spec.md 4.1). */
export const NAMESPACE_LABEL = `${GROUP}/namespace`;
/** Component name written as the source of every Event (seed-spec.md 11). */
export const EVENT_COMPONENT = 'chaos-monkey';
/** Namespace annotation pausing chaos (issue 11): on the operator's own namespace everywhere, else in that namespace. Value: the reason. */
export const PAUSED_ANNOTATION = `${GROUP}/paused`;
/** Optional RFC 3339 time at which a {@link PAUSED_ANNOTATION} pause ends by itself. */
export const PAUSED_UNTIL_ANNOTATION = `${GROUP}/paused-until`;
