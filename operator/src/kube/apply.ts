/**
 * Creating arbitrary objects (the demo's namespace, Deployment and CMCs) through client-node's
 * generic KubernetesObjectApi, so code outside kube/ never imports client-node.
 */
import { KubernetesObjectApi } from '@kubernetes/client-node';
import type { KubernetesObject } from '@kubernetes/client-node';
import { statusCodeOf, toChaosError } from './api-errors.ts';
import type { KubeConnection } from './connect.ts';

/** A manifest: any object with apiVersion, kind and metadata.name. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

/**
 * Creates each object in order; an object that already exists (409) is left as it is.
 * Throws a typed error (api-errors.ts) on any other failure.
 */
export async function createObjects(connection: KubeConnection, manifests: readonly Manifest[]): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(connection.kubeConfig);
  for (const m of manifests) {
    try {
      await api.create(m as KubernetesObject);
    } catch (error) {
      if (statusCodeOf(error) === 409) continue;
      throw toChaosError(error, `create ${m.kind} ${m.metadata.namespace ?? ''}/${m.metadata.name}`);
    }
  }
}
