/**
 * Informer events -> queue keys (controller-runtime's EventHandler; level-based: payloads are
 * only used to find keys, never trusted as state). Pure.
 */
import type { Store } from '../ports.ts';
import { keyOf } from './queue.ts';

/** Minimal shape of an object carrying metadata namespace/name. */
export interface Named {
  metadata?: { namespace?: unknown; name?: unknown } | undefined;
}

/**
 * Key of a CMC event (add, update or delete): `namespace/name`, or undefined when the object
 * lacks a string namespace or name.
 */
export function keyForCmc(cmc: Named | undefined): string | undefined {
  const ns = cmc?.metadata?.namespace;
  const name = cmc?.metadata?.name;
  if (typeof ns !== 'string' || typeof name !== 'string' || ns === '' || name === '') return undefined;
  return keyOf(ns, name);
}

/**
 * Keys of every CMC in a namespace, for any namespace event (label change, deletion, creation):
 * eligibility of all of them may have changed. Reads the Store's CMC cache only.
 */
export function keysForNamespace(store: Pick<Store, 'listCmcs'>, namespace: string): string[] {
  const keys: string[] = [];
  for (const cmc of store.listCmcs(namespace)) {
    const key = keyForCmc(cmc);
    if (key !== undefined) keys.push(key);
  }
  return keys;
}
