/**
 * Fixture builders (style.md convention 10): a valid default object, spread with per-case overrides.
 * Nested `spec`/`metadata` overrides merge one level deep.
 */
import type { ChaosMonkeyConfigurationV1, CmcSpecV1, ObjectMeta } from '../../api/v1.ts';
import type { DeploymentInfo, NamespaceInfo, PodInfo } from '../../operator/src/ports.ts';

/** Overrides for {@link aCmc}: spec fields may be of any type (to build invalid CMCs). */
export interface CmcOverrides {
  metadata?: Partial<ObjectMeta>;
  spec?: Partial<Record<keyof CmcSpecV1, unknown>> & Record<string, unknown>;
  status?: ChaosMonkeyConfigurationV1['status'];
}

/** A valid v1 CMC `demo/cmc-1` targeting deployment `web`, killPod every 30s. */
export function aCmc(overrides: CmcOverrides = {}): ChaosMonkeyConfigurationV1 {
  const cmc = {
    apiVersion: 'cm.massix.github.io/v1' as const,
    kind: 'ChaosMonkeyConfiguration' as const,
    metadata: { name: 'cmc-1', namespace: 'demo', uid: 'uid-cmc-1', generation: 1, resourceVersion: '1', ...overrides.metadata },
    spec: { enabled: true, minReplicas: 1, maxReplicas: 3, scalingMode: 'killPod', deployment: { name: 'web' }, timeout: '30s', ...overrides.spec },
    ...(overrides.status === undefined ? {} : { status: overrides.status }),
  };
  // Overrides may carry wrong types on purpose (untrusted input tests).
  return cmc as unknown as ChaosMonkeyConfigurationV1;
}

/** A running, ready pod `web-<n>` of deployment `web` in `demo` (no creationTimestamp unless given). */
export function aPod(overrides: Partial<PodInfo> = {}): PodInfo {
  const name = overrides.name ?? 'web-abc12';
  return { namespace: 'demo', name, uid: `uid-${name}`, phase: 'Running', terminating: false, labels: { app: 'web' }, ready: true, ...overrides };
}

/** `count` running pods named `web-0`..`web-<count-1>`. */
export function somePods(count: number, overrides: Partial<PodInfo> = {}): PodInfo[] {
  return Array.from({ length: count }, (_, i) => aPod({ name: `web-${i}`, ...overrides }));
}

/** Deployment `demo/web`, 3 replicas (all ready, updated and available, rollout observed), selector app=web. */
export function aDeployment(overrides: Partial<DeploymentInfo> = {}): DeploymentInfo {
  const replicas = overrides.replicas ?? 3;
  return {
    namespace: 'demo',
    name: 'web',
    uid: 'uid-web',
    replicas,
    selector: { matchLabels: { app: 'web' } },
    generation: 1,
    observedGeneration: 1,
    readyReplicas: replicas,
    updatedReplicas: replicas,
    availableReplicas: replicas,
    ...overrides,
  };
}

/** Namespace `demo` without labels, not terminating. */
export function aNamespace(overrides: Partial<NamespaceInfo> = {}): NamespaceInfo {
  return { name: 'demo', labels: {}, terminating: false, ...overrides };
}
