/**
 * `/health` body in the seed's JSON shape (seed-spec.md 9.1). Pure: built from a snapshot the
 * caller assembles at request time.
 */

/** What /health reports, gathered by main.ts at request time. */
export interface HealthSnapshot {
  /** The operator's namespace. */
  rootNamespace: string;
  /** 'AllowAll' | 'DenyAll' (reported upper-case, as the seed). */
  behavior: string;
  /** Configured level name (trace, debug, info, warn, error, critical, panic). */
  logLevel: string;
  /** Informers running (Namespaces, CMCs, and any pod/deployment cache). */
  informers: number;
  /** Entries scheduled on the timer wheel (one per active CMC). */
  scheduledEntries: number;
  /** What cannot work at all (missing RBAC rules); non-empty makes `status` "down". */
  problems?: readonly string[];
}

/** The seed's /health document. */
export interface HealthBody {
  status: 'up' | 'down';
  /** Present when down: one line per problem. */
  problems?: string[];
  root_namespace: string;
  behavior: string;
  loglevel: string;
  total_watchers: number;
}

// The seed printed logrus level names.
const LOGRUS_NAME: Readonly<Record<string, string>> = { warn: 'warning', critical: 'fatal' };

/**
 * Builds the /health body. `behavior` is upper-cased (ALLOWALL/DENYALL); `loglevel` uses the
 * seed's logrus names (warn -> "warning", critical -> "fatal"). `total_watchers` is our honest
 * equivalent of the seed's watcher tree: 1 (the reconcile loop, in place of the namespace
 * watcher) + informers + scheduled wheel entries (one per CMC acting, in place of the seed's
 * per-CMC watchers).
 */
export function healthBody(snapshot: HealthSnapshot): HealthBody {
  const level = snapshot.logLevel.toLowerCase();
  const problems = snapshot.problems ?? [];
  return {
    status: problems.length === 0 ? 'up' : 'down',
    ...(problems.length > 0 ? { problems: [...problems] } : {}),
    root_namespace: snapshot.rootNamespace,
    behavior: snapshot.behavior.toUpperCase(),
    loglevel: LOGRUS_NAME[level] ?? level,
    total_watchers: 1 + snapshot.informers + snapshot.scheduledEntries,
  };
}
