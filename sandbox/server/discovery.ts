/**
 * Discovery documents: /version, /api, /api/v1, /apis, /apis/<group>, /apis/<group>/<version>.
 */
import type { Registry, ResourceType } from './types.ts';

/** /version body (kube-apiserver v1.28.7 as recorded). */
export const VERSION_INFO = {
  major: '1',
  minor: '28',
  gitVersion: 'v1.28.7',
  gitCommit: '97d04a81e5e02c7512c84c3a533eba3e0d3a2818',
  gitTreeState: 'clean',
  buildDate: '2024-03-27T13:21:35Z',
  goVersion: 'go1.23.5',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** Kubernetes version priority: GA > beta > alpha, higher numbers first, then others alphabetically. */
export function compareKubeVersions(a: string, b: string): number {
  const parse = (v: string): [number, number, number, string] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0, v];
    const stage = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [stage, Number(m[1]), Number(m[3] ?? 0), v];
  };
  const [sa, ma, na, va] = parse(a);
  const [sb, mb, nb, vb] = parse(b);
  if (sa === 0 && sb === 0) return va < vb ? -1 : va > vb ? 1 : 0;
  if (sa === 0) return 1;
  if (sb === 0) return -1;
  if (sa !== sb) return sb - sa;
  if (ma !== mb) return mb - ma;
  return nb - na;
}

/** /api body. */
export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(reg: Registry, group: string): object {
  const versions = reg.versionsOf(group).sort(compareKubeVersions);
  const gv = versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions: gv, preferredVersion: gv[0] };
}

/** /apis body. */
export function apiGroupList(reg: Registry): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: reg.groups().map((g) => groupEntry(reg, g)) };
}

/** /apis/<group> body. */
export function apiGroup(reg: Registry, group: string): object {
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(reg, group) };
}

function resourceEntries(t: ResourceType): object[] {
  const main: Record<string, unknown> = { name: t.resource, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: t.verbs };
  if (t.shortNames && t.shortNames.length > 0) main.shortNames = t.shortNames;
  if (t.categories && t.categories.length > 0) main.categories = t.categories;
  const out: object[] = [main];
  for (const sub of t.subresources) {
    if (sub === 'status') out.push({ name: `${t.resource}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] });
    if (sub === 'eviction') out.push({ name: `${t.resource}/eviction`, singularName: '', namespaced: t.namespaced, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
    if (sub === 'scale') out.push({ name: `${t.resource}/scale`, singularName: '', namespaced: t.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
  }
  return out;
}

/** /api/v1 or /apis/<group>/<version> body. */
export function apiResourceList(reg: Registry, group: string, version: string): object {
  const resources = reg.typesOf(group, version).flatMap(resourceEntries);
  const body: Record<string, unknown> = { kind: 'APIResourceList' };
  if (group) body.apiVersion = 'v1';
  body.groupVersion = group ? `${group}/${version}` : version;
  body.resources = resources;
  return body;
}
