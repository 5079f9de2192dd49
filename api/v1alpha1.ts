/** ChaosMonkeyConfiguration v1alpha1: the deprecated spoke version (seed-spec.md 1.2). Types only. */
import type { ObjectMeta } from './v1.ts';

export interface CmcSpecV1Alpha1 {
  enabled: boolean;
  minReplicas: number;
  maxReplicas: number;
  deploymentName: string;
  /** true = killPod, false = randomScale. */
  podMode: boolean;
  timeout: string;
}

export interface CmcStatusV1Alpha1 {
  accepted?: boolean;
  lastExecution?: string;
  lastKnownReplicas?: number;
}

export interface ChaosMonkeyConfigurationV1Alpha1 {
  apiVersion: 'cm.massix.github.io/v1alpha1';
  kind: 'ChaosMonkeyConfiguration';
  metadata: ObjectMeta;
  spec: CmcSpecV1Alpha1;
  status?: CmcStatusV1Alpha1 & Record<string, unknown>;
}
