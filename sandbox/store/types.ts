/**
 * Shapes shared by the sandbox store, its watch hub and the server.
 * Objects are plain JSON values; the store keeps each one serialised once (see {@link Entry}).
 */

/** A Kubernetes object as plain JSON. */
export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** The subset of ObjectMeta the sandbox reads or writes. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
  [field: string]: unknown;
}

/**
 * One stored object. `body` is the JSON text of the object WITHOUT `kind`/`apiVersion`
 * (so built-in list items can be emitted as is, and a head can be prepended for other forms).
 * `fields` holds the values field selectors may read (built at write time, per resource).
 */
export interface Entry {
  readonly namespace: string; // '' for cluster-scoped objects
  readonly name: string;
  readonly rv: number;
  readonly labels: Record<string, string> | undefined;
  readonly fields: Record<string, unknown>;
  readonly body: string;
}

/** Watch event types emitted by the store. */
export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change in the store's history. `prev` is the entry before a MODIFIED/DELETED change. */
export interface StoreEvent {
  readonly rv: number;
  readonly type: EventType;
  readonly key: string;
  readonly entry: Entry;
  readonly prev: Entry | undefined;
}
