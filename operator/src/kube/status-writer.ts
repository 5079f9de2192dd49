/**
 * {@link StatusWriter}: JSON merge patch of the CMC `status` subresource, sent only when the status
 * changed (architecture.md "reconcile": idempotent, reconciling twice changes nothing). Sent over
 * raw-request.ts: the answer (the whole CMC) is never read.
 */
import type { ChaosMonkeyConfigurationV1, CmcStatusV1 } from '../../../api/v1.ts';
import { GROUP, PLURAL, V1 } from '../../../api/names.ts';
import type { MutationOptions, StatusWriter } from '../ports.ts';
import { statusCodeOf, toChaosError } from './api-errors.ts';
import { rawKube } from './connect.ts';
import type { KubeConnection } from './connect.ts';
import type { RawKube } from './raw-request.ts';
import { mutationAbort } from './request-options.ts';

/** JSON text with object keys sorted, so equal values compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Merge patch turning `current` into `next` at the top level of status: changed or new keys carry
 * their new value, keys that disappeared are set to null (RFC 7386 removal). Undefined when equal.
 */
export function statusPatch(current: CmcStatusV1 | undefined, next: CmcStatusV1): Record<string, unknown> | undefined {
  const cur = (current ?? {}) as Record<string, unknown>;
  const nxt = next as Record<string, unknown>;
  const patch: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(cur), ...Object.keys(nxt)])) {
    const a = cur[key];
    const b = nxt[key];
    if (b === undefined) {
      if (a !== undefined) patch[key] = null;
    } else if (canonicalJson(a) !== canonicalJson(b)) {
      patch[key] = b;
    }
  }
  return Object.keys(patch).length === 0 ? undefined : patch;
}

/** The kube/ implementation of {@link StatusWriter}. Throws typed errors (api-errors.ts) except on 404. */
export class KubeStatusWriter implements StatusWriter {
  readonly #raw: RawKube;
  /** false when the identity may not patch chaosmonkeyconfigurations/status (start-up permission plan): nothing is sent. */
  enabled = true;

  constructor(options: { connection: KubeConnection }) {
    this.#raw = rawKube(options.connection);
  }

  async patchStatus(cmc: ChaosMonkeyConfigurationV1, current: CmcStatusV1 | undefined, next: CmcStatusV1, options: MutationOptions = {}): Promise<boolean> {
    const patch = statusPatch(current, next);
    if (patch === undefined || !this.enabled) return false;
    const namespace = cmc.metadata.namespace ?? '';
    const name = cmc.metadata.name ?? '';
    try {
      await this.#raw.request({
        method: 'PATCH',
        path: `/apis/${GROUP}/${V1}/namespaces/${encodeURIComponent(namespace)}/${PLURAL}/${encodeURIComponent(name)}/status`,
        body: { status: patch },
        contentType: 'application/merge-patch+json',
        ...mutationAbort(options),
      });
      return true;
    } catch (error) {
      if (statusCodeOf(error) === 404) return false;
      throw toChaosError(error, `patch status of ${namespace}/${name}`);
    }
  }
}
