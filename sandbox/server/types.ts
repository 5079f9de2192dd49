/**
 * Resource types the sandbox serves (built-in and CRD-defined) and the registry that finds them by URL.
 */
import type { FieldExtractor } from '../store/store.ts';
import type { KObject } from '../store/types.ts';
import type { StatusCause } from './status.ts';

/** How a served resource behaves. One instance per (group, version, resource). */
export interface ResourceType {
  group: string;
  version: string;
  resource: string;
  kind: string;
  listKind: string;
  singular: string;
  shortNames?: string[];
  categories?: string[];
  namespaced: boolean;
  /** Store collection key; several types may share one (events). */
  storeKey: string;
  /** Built-in list items carry no kind/apiVersion; custom-resource list items do. */
  builtin: boolean;
  verbs: string[];
  /** Served subresources: 'status', 'scale'. */
  subresources: string[];
  /** Whether metadata.generation is maintained (bumped on spec change). */
  hasGeneration: boolean;
  /** Main-resource writes keep the old status; status writes keep everything but status. */
  statusSubresource: boolean;
  /** Update without metadata.resourceVersion is 422 (leases). */
  requireRvOnUpdate?: boolean;
  /** DELETE answers a Success Status instead of the object (custom resources). */
  deleteReturnsStatus?: boolean;
  /** Field selector labels supported (besides metadata.name / metadata.namespace). */
  fieldLabels: string[];
  /** Values the store records for field selectors (must cover fieldLabels). */
  fields?: FieldExtractor;
  /** Set when this served version is deprecated: the Warning header text. */
  deprecationWarning?: string;
  /** `Kind[.group]` used in 422 messages. */
  invalidKind: string;
  /** Group named in 422 details when it differs from `group` (events.k8s.io reports core errors). */
  invalidGroup?: string;
  /** Storage apiVersion; when it differs from `group/version`, reads/writes convert. */
  storageApiVersion: string;
  storageKind: string;
  /** Converts a request-version object to storage form (default: apiVersion rewrite). */
  toStorage?: (obj: KObject) => Promise<KObject> | KObject;
  /** Converts storage-form objects to this version (default: apiVersion rewrite only, done on the JSON text). */
  fromStorage?: (objs: KObject[]) => Promise<KObject[]> | KObject[];
  /** Applies defaults in place (request version). */
  defaults?: (obj: KObject, old: KObject | undefined) => void;
  /** Validates (request version); returns causes (empty = valid). */
  validate?: (obj: KObject, old: KObject | undefined) => StatusCause[];
  /** Paths of fields the schema does not declare (custom resources; for `fieldValidation=Strict`). */
  unknownFields?: (obj: KObject) => string[];
  /** Drops unknown fields in place (custom resources). */
  prune?: (obj: KObject) => void;
  /** Printer columns for Table output: name, type, JSONPath. */
  printerColumns?: { name: string; type: string; jsonPath: string; description?: string; priority?: number; format?: string }[];
  /** The version's `openAPIV3Schema` (custom resources), published as a Swagger 2.0 definition on `/openapi/v2`. */
  openApiSchema?: unknown;
  /** Whether the type is read-only (PodMetrics). */
  readOnly?: boolean;
}

/** The apiVersion string of a type (`v1`, `apps/v1`). */
export function apiVersionOf(t: { group: string; version: string }): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** Types by group/version/resource, plus discovery order. */
export class Registry {
  private readonly types = new Map<string, ResourceType>();
  private readonly groupOrder: string[] = [];

  private static key(group: string, version: string, resource: string): string {
    return `${group}/${version}/${resource}`;
  }

  /** Adds or replaces a type. */
  add(t: ResourceType): void {
    this.types.set(Registry.key(t.group, t.version, t.resource), t);
    if (!this.groupOrder.includes(t.group)) this.groupOrder.push(t.group);
  }

  /** Removes every version of a group/resource. */
  removeResource(group: string, resource: string): void {
    for (const [k, t] of this.types) if (t.group === group && t.resource === resource) this.types.delete(k);
    if (![...this.types.values()].some((t) => t.group === group)) {
      const i = this.groupOrder.indexOf(group);
      if (i >= 0) this.groupOrder.splice(i, 1);
    }
  }

  /** Finds a type. */
  find(group: string, version: string, resource: string): ResourceType | undefined {
    return this.types.get(Registry.key(group, version, resource));
  }

  /** Whether the group (any version) is served. */
  hasGroup(group: string): boolean {
    return this.groupOrder.includes(group);
  }

  /** Versions served for a group, in registration order, preferred first. */
  versionsOf(group: string): string[] {
    const out: string[] = [];
    for (const t of this.types.values()) if (t.group === group && !out.includes(t.version)) out.push(t.version);
    return out;
  }

  /** Named groups in registration order (excluding core ''). */
  groups(): string[] {
    return this.groupOrder.filter((g) => g !== '');
  }

  /** All types of one group/version. */
  typesOf(group: string, version: string): ResourceType[] {
    return [...this.types.values()].filter((t) => t.group === group && t.version === version);
  }

  /** All types. */
  all(): ResourceType[] {
    return [...this.types.values()];
  }
}
