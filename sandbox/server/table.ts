/**
 * meta.k8s.io/v1 Table output (what `kubectl get` asks for): Name, the CRD's additionalPrinterColumns or a
 * small built-in set, and Age (Events: kube's own Event columns); each row carries PartialObjectMetadata.
 */
import type { KObject } from '../store/types.ts';
import type { ResourceType } from './types.ts';

const NAME_DESCRIPTION = 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';

/** kube's built-in printers describe Age with ObjectMeta's creationTimestamp doc. */
const CREATION_DESCRIPTION = 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/** Whether an Accept header asks for a Table. */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

/**
 * Evaluates a simple JSONPath (`.a.b`, `.a[0].b`, `{.a}`, and client-go's filter
 * `.a[?(@.k=="v")].b` with `==` or `!=` against a quoted string) against an object. A filter keeps
 * the first matching item (printer columns show one value; condition lists are keyed by type).
 */
export function jsonPath(obj: unknown, path: string): unknown {
  const p = path.replace(/^\{/, '').replace(/\}$/, '');
  const token = /\.([^.[\]]+)|\[(\d+)\]|\[\?\(@((?:\.[^.=!)\s]+)+)\s*(==|!=)\s*(?:"([^"]*)"|'([^']*)')\)\]/gy;
  let cur: unknown = obj;
  let at = 0;
  while (at < p.length) {
    token.lastIndex = at;
    const m = token.exec(p);
    if (m === null) return undefined; // not a form we evaluate
    at = token.lastIndex;
    if (cur === null || typeof cur !== 'object') return undefined;
    if (m[1] !== undefined) cur = Array.isArray(cur) ? undefined : (cur as Record<string, unknown>)[m[1]];
    else if (m[2] !== undefined) cur = Array.isArray(cur) ? cur[Number(m[2])] : undefined;
    else {
      if (!Array.isArray(cur)) return undefined;
      const subPath = m[3] ?? '';
      const wanted = m[5] ?? m[6] ?? '';
      const equal = m[4] === '==';
      cur = cur.find((item) => {
        const v = jsonPath(item, subPath);
        return (typeof v === 'string' && v === wanted) === equal;
      });
    }
  }
  return cur;
}

/** Human age like kubectl (`5s`, `3m`, `2h`, `4d`). */
export function age(created: string | null | undefined, now: Date): string {
  if (!created) return '<unknown>';
  const s = Math.max(0, Math.floor((now.getTime() - Date.parse(created)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

interface Column { name: string; type: string; format: string; description: string; priority: number; path?: string; compute?: (o: KObject) => unknown }

type Json = Record<string, unknown>;

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** An Event in core/v1 field names, whichever of the two served shapes (core/v1, events.k8s.io/v1) it has. */
function coreEventView(o: KObject): Json {
  if (o.involvedObject !== undefined || o.regarding === undefined) return o;
  return { ...o, involvedObject: o.regarding, message: o.note, firstTimestamp: o.deprecatedFirstTimestamp, lastTimestamp: o.deprecatedLastTimestamp, count: o.deprecatedCount, source: o.deprecatedSource };
}

/** kube's Event columns (they replace Name/Age; the wide ones have priority 1, cells are always wide). */
function eventColumns(now: Date): Column[] {
  const first = (e: Json): string => (e.firstTimestamp ? age(str(e.firstTimestamp), now) : age(str(e.eventTime) || undefined, now));
  const last = (e: Json): string => {
    const series = e.series as Json | undefined;
    if (series?.lastObservedTime) return age(str(series.lastObservedTime), now);
    return e.lastTimestamp ? age(str(e.lastTimestamp), now) : first(e);
  };
  const col = (name: string, description: string, compute: (e: Json) => unknown, priority = 0, format = ''): Column => ({ name, type: 'string', format, description, priority, compute: (o) => compute(coreEventView(o)) });
  return [
    col('Last Seen', 'The time at which the most recent occurrence of this event was recorded.', last),
    col('Type', 'Type of this event (Normal, Warning), new types could be added in the future', (e) => str(e.type)),
    col('Reason', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.', (e) => str(e.reason)),
    col('Object', 'The object that this event is about.', (e) => {
      const io = (e.involvedObject ?? {}) as Json;
      const kind = str(io.kind).toLowerCase();
      return io.name ? `${kind}/${str(io.name)}` : kind;
    }),
    col('Subobject', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.', (e) => str((e.involvedObject as Json | undefined)?.fieldPath), 1),
    col('Source', 'The component reporting this event. Should be a short machine understandable string.', (e) => {
      const src = (e.source ?? {}) as Json;
      const component = str(src.component) || str(e.reportingComponent);
      const instance = str(src.host) || str(e.reportingInstance);
      return instance ? `${component}, ${instance}` : component;
    }, 1),
    col('Message', 'A human-readable description of the status of this operation.', (e) => str(e.message).trim()),
    col('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', first, 1),
    col('Count', 'The number of times this event has occurred.', (e) => {
      const series = e.series as Json | undefined;
      const n = typeof series?.count === 'number' ? series.count : typeof e.count === 'number' && e.count > 0 ? e.count : 1;
      return n;
    }, 1),
    col('Name', NAME_DESCRIPTION, (e) => str((e.metadata as Json | undefined)?.name), 1, 'name'),
  ];
}

function builtinColumns(t: ResourceType): Column[] {
  if (t.storeKey === '/pods') {
    return [
      { name: 'Ready', type: 'string', format: '', description: 'The aggregate readiness state of this pod for accepting traffic.', priority: 0, compute: (o) => {
        const cs = ((o.status as { containerStatuses?: { ready?: boolean }[] } | undefined)?.containerStatuses) ?? [];
        const total = ((o.spec as { containers?: unknown[] } | undefined)?.containers ?? []).length;
        return `${cs.filter((c) => c.ready).length}/${total}`;
      } },
      { name: 'Status', type: 'string', format: '', description: 'The aggregate status of the containers in this pod.', priority: 0, compute: (o) => (o.metadata.deletionTimestamp ? 'Terminating' : (o.status as { phase?: string } | undefined)?.phase ?? '') },
      { name: 'Restarts', type: 'string', format: '', description: 'The number of times the containers in this pod have been restarted.', priority: 0, compute: () => '0' },
    ];
  }
  if (t.storeKey === 'apps/deployments') {
    return [
      { name: 'Ready', type: 'string', format: '', description: 'Number of the pod with ready state', priority: 0, compute: (o) => `${(o.status as { readyReplicas?: number })?.readyReplicas ?? 0}/${(o.spec as { replicas?: number })?.replicas ?? 0}` },
      { name: 'Up-to-date', type: 'integer', format: '', description: 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', priority: 0, compute: (o) => (o.status as { updatedReplicas?: number })?.updatedReplicas ?? 0 },
      { name: 'Available', type: 'integer', format: '', description: 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', priority: 0, compute: (o) => (o.status as { availableReplicas?: number })?.availableReplicas ?? 0 },
    ];
  }
  if (t.storeKey === 'policy/poddisruptionbudgets') {
    const intOrPercent = (v: unknown): string => (typeof v === 'number' ? String(v) : typeof v === 'string' ? v : 'N/A');
    return [
      { name: 'Min Available', type: 'string', format: '', description: 'The minimum number of pods that must be available.', priority: 0, compute: (o) => intOrPercent((o.spec as Json | undefined)?.minAvailable) },
      { name: 'Max Unavailable', type: 'string', format: '', description: 'The maximum number of pods that may be unavailable.', priority: 0, compute: (o) => intOrPercent((o.spec as Json | undefined)?.maxUnavailable) },
      { name: 'Allowed Disruptions', type: 'integer', format: '', description: 'Calculated number of pods that may be disrupted at this time.', priority: 0, compute: (o) => ((o.status as Json | undefined)?.disruptionsAllowed as number | undefined) ?? 0 },
    ];
  }
  if (t.storeKey === '/namespaces') return [{ name: 'Status', type: 'string', format: '', description: 'The status of the namespace', priority: 0, path: '.status.phase' }];
  return [];
}

/** Builds a Table from objects of the type's version; `includeObject` is the query parameter (None, Metadata, Object). */
export function toTable(t: ResourceType, objects: KObject[], listRv: string, now: Date, continueToken?: string, includeObject = 'Metadata'): object {
  // Events: kube's Event printer, its own columns (no Name first, no Age).
  if (t.builtin && t.storeKey === '/events') return table(eventColumns(now), objects, listRv, now, continueToken, includeObject);
  const cols: Column[] = [{ name: 'Name', type: 'string', format: 'name', description: NAME_DESCRIPTION, priority: 0, path: '.metadata.name' }];
  let hasAge = false;
  if (t.printerColumns) {
    for (const c of t.printerColumns) {
      if (c.type === 'date' && c.jsonPath === '.metadata.creationTimestamp') hasAge = true;
      cols.push({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? `Custom resource definition column (in JSONPath format): ${c.jsonPath}`, priority: c.priority ?? 0, path: c.jsonPath });
    }
  } else cols.push(...builtinColumns(t));
  if (!hasAge && t.builtin) cols.push({ name: 'Age', type: 'string', format: '', description: CREATION_DESCRIPTION, priority: 0, compute: (o) => age(o.metadata.creationTimestamp, now) });
  else if (!hasAge) cols.push({ name: 'Age', type: 'date', format: '', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0, path: '.metadata.creationTimestamp' });
  return table(cols, objects, listRv, now, continueToken, includeObject);
}

function table(cols: Column[], objects: KObject[], listRv: string, now: Date, continueToken: string | undefined, includeObject: string): object {
  const rows = objects.map((o) => ({
    cells: cols.map((c) => {
      if (c.compute) return c.compute(o);
      const v = jsonPath(o, c.path ?? '');
      if (c.type === 'date') return age(typeof v === 'string' ? v : undefined, now);
      return v === undefined ? null : v;
    }),
    ...(includeObject === 'None' ? {} : { object: includeObject === 'Object' ? o : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } }),
  }));
  const metadata: Record<string, string> = { resourceVersion: listRv };
  if (continueToken) metadata.continue = continueToken;
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, columnDefinitions: cols.map(({ name, type, format, description, priority }) => ({ name, type, format, description, priority })), rows };
}
