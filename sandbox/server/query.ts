/**
 * List/watch query parameters: selectors (validated against the type's supported field labels), paging, watch flags.
 */
import type { Entry } from '../store/types.ts';
import { parseLabelSelector, matchesLabels } from '../lib/label-selector.ts';
import type { LabelRequirement } from '../lib/label-selector.ts';
import { parseFieldSelector } from '../lib/field-selector.ts';
import type { FieldRequirement } from '../lib/field-selector.ts';
import { SelectorError } from '../lib/selector-error.ts';
import { badRequest } from './status.ts';
import type { ResourceType } from './types.ts';

/** Parsed list/watch query. */
export interface ListQuery {
  labels: LabelRequirement[];
  fields: FieldRequirement[];
  limit: number;
  continueToken: string | undefined;
  resourceVersion: string | undefined;
  watch: boolean;
  timeoutSeconds: number | undefined;
  allowBookmarks: boolean;
}

function bool(v: string | null): boolean {
  return v === 'true' || v === '1';
}

/** Parses the query (400 Status for bad selectors or unsupported field labels). */
export function parseListQuery(t: ResourceType, q: URLSearchParams, nameFromPath?: string): ListQuery {
  let labels: LabelRequirement[];
  let fields: FieldRequirement[];
  try {
    labels = parseLabelSelector(q.get('labelSelector') ?? '');
    fields = parseFieldSelector(q.get('fieldSelector') ?? '');
  } catch (err) {
    if (err instanceof SelectorError) throw badRequest(err.message);
    throw err;
  }
  const supported = new Set(['metadata.name', 'metadata.namespace', ...t.fieldLabels]);
  for (const f of fields) if (!supported.has(f.field)) throw badRequest(`field label not supported: ${f.field}`);
  if (nameFromPath !== undefined) fields.push({ field: 'metadata.name', operator: '=', value: nameFromPath });
  const limitText = q.get('limit');
  const limit = limitText ? Number.parseInt(limitText, 10) : 0;
  const timeoutText = q.get('timeoutSeconds');
  const timeout = timeoutText ? Number.parseInt(timeoutText, 10) : undefined;
  return {
    labels,
    fields,
    limit: Number.isFinite(limit) && limit > 0 ? limit : 0,
    continueToken: q.get('continue') ?? undefined,
    resourceVersion: q.get('resourceVersion') ?? undefined,
    watch: bool(q.get('watch')),
    timeoutSeconds: timeout !== undefined && Number.isFinite(timeout) && timeout > 0 ? timeout : undefined,
    allowBookmarks: bool(q.get('allowWatchBookmarks')),
  };
}

/** A predicate on entries for the query's selectors, or undefined when it selects everything. */
export function entryFilter(q: Pick<ListQuery, 'labels' | 'fields'>): ((e: Entry) => boolean) | undefined {
  const { labels, fields } = q;
  if (labels.length === 0 && fields.length === 0) return undefined;
  return (e) => {
    if (labels.length > 0 && !matchesLabels(labels, e.labels)) return false;
    for (const f of fields) {
      const raw = e.fields[f.field];
      const v = raw === undefined || raw === null ? '' : typeof raw === 'string' ? raw : String(raw);
      if (f.operator === '!=' ? v === f.value : v !== f.value) return false;
    }
    return true;
  };
}
