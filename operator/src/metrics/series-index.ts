/**
 * Which per-namespace series exist, so they can be removed when their namespace or target goes
 * away (issue 9 point 5: after namespaces are created, used and deleted, the number of series
 * returns to its baseline). Each entry is a key (a group of series, e.g. one target's) and the
 * function that removes that group from its metrics.
 */

/** Most deleted namespaces remembered (oldest forgotten first), so late writes for them are dropped. */
export const MAX_GONE_NAMESPACES = 10_000;

/** Index of removable series groups, per namespace. */
export class SeriesIndex {
  readonly #byNamespace = new Map<string, Map<string, () => void>>();
  readonly #gone = new Set<string>();

  /** True when `namespace` was deleted (and not re-created since): its series must not come back. */
  isGone(namespace: string): boolean {
    return this.#gone.has(namespace);
  }

  /** The namespace exists (again): its series may be written. */
  revive(namespace: string): void {
    this.#gone.delete(namespace);
  }

  /** Remembers the group `key` of `namespace` and how to remove it (first registration wins). */
  note(namespace: string, key: string, remove: () => void): void {
    let groups = this.#byNamespace.get(namespace);
    if (groups === undefined) {
      groups = new Map();
      this.#byNamespace.set(namespace, groups);
    }
    if (!groups.has(key)) groups.set(key, remove);
  }

  /** Removes the group `key` of `namespace` (no-op when unknown). */
  forget(namespace: string, key: string): void {
    const groups = this.#byNamespace.get(namespace);
    const remove = groups?.get(key);
    if (groups === undefined || remove === undefined) return;
    remove();
    groups.delete(key);
    if (groups.size === 0) this.#byNamespace.delete(namespace);
  }

  /** The namespace was deleted: removes all its groups and drops later writes until {@link revive}. */
  forgetNamespace(namespace: string): void {
    for (const remove of this.#byNamespace.get(namespace)?.values() ?? []) remove();
    this.#byNamespace.delete(namespace);
    this.#gone.delete(namespace);
    this.#gone.add(namespace);
    if (this.#gone.size > MAX_GONE_NAMESPACES) {
      const oldest = this.#gone.values().next().value;
      if (oldest !== undefined) this.#gone.delete(oldest);
    }
  }

  /** Namespaces with at least one group (for tests). */
  get namespaces(): number {
    return this.#byNamespace.size;
  }
}
