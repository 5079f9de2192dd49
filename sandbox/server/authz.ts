/**
 * Opt-in RBAC for the sandbox (docs/sandbox.md "RBAC"): bearer tokens listed in
 * `SandboxOptions.identities` are evaluated like kube-apiserver's RBAC authorizer; every other
 * caller (the kubeconfig's own token, no token) keeps full access. A denied request gets
 * kube-apiserver v1.28's 403 Status (responsewriters.Forbidden + apierrors.NewForbidden), and
 * `authorization.k8s.io/v1` SelfSubjectAccessReviews are answered from the same rules.
 */
import type { IncomingMessage } from 'node:http';
import { isAllowed } from '../../api/rbac.ts';
import type { PolicyRule } from '../../api/rbac.ts';
import type { RequestIdent } from './route.ts';
import { ApiError, badRequest } from './status.ts';
import type { StatusDetails } from './status.ts';

/** An RBAC-limited caller, selected by its bearer token. */
export interface SandboxIdentity {
  /** User name in messages, e.g. `system:serviceaccount:chaosmonkey:chaosmonkey`. */
  user: string;
  /** What a ClusterRole bound with a ClusterRoleBinding grants: every namespace and cluster scope. */
  clusterRules: PolicyRule[];
  /** What Roles bound with RoleBindings grant, by namespace. */
  namespaceRules?: Record<string, PolicyRule[]>;
  /** Name of the ClusterRole and its binding in SSAR reasons (default `sandbox`). */
  roleName?: string;
}

/** The attributes RBAC decides on (kube's authorizer.Attributes for a resource request). */
export interface AuthzAttributes {
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

/**
 * kube's RequestInfo as the authorizer sees it: a named Namespace is its own namespace, and a
 * list or watch with `fieldSelector=metadata.name=X` is a request for the name X.
 */
export function attributesOf(ident: RequestIdent, query: URLSearchParams): AuthzAttributes {
  let name = ident.name ?? '';
  let namespace = ident.namespace ?? '';
  if (ident.resource === 'namespaces' && name !== '') namespace = name;
  if ((ident.verb === 'list' || ident.verb === 'watch') && name === '') {
    const selector = query.get('fieldSelector') ?? '';
    const match = /^metadata\.name==?([^,]+)$/.exec(selector);
    if (match?.[1] !== undefined) name = match[1];
  }
  return { verb: ident.verb, group: ident.group, version: ident.version, resource: ident.resource, subresource: ident.subresource ?? '', namespace, name };
}

/** The bearer token of a request ('' without one). */
export function bearerToken(req: IncomingMessage): string {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? '';
}

/** Every authenticated user may review its own access (kube's system:basic-user ClusterRole). */
const BASIC_USER: PolicyRule[] = [
  { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], verbs: ['create'] },
];

/** True when `identity` may do what `attrs` describe (undefined identity = full access). */
export function authorize(identity: SandboxIdentity | undefined, attrs: AuthzAttributes): boolean {
  if (identity === undefined) return true;
  const request = { verb: attrs.verb, group: attrs.group, resource: attrs.resource, ...(attrs.subresource !== '' ? { subresource: attrs.subresource } : {}), ...(attrs.name !== '' ? { name: attrs.name } : {}) };
  if (isAllowed(request, BASIC_USER) || isAllowed(request, identity.clusterRules)) return true;
  return attrs.namespace !== '' && isAllowed(request, identity.namespaceRules?.[attrs.namespace] ?? []);
}

/** kube-apiserver's 403 for a denied resource request. */
export function forbidden(identity: SandboxIdentity, attrs: AuthzAttributes): ApiError {
  const resource = attrs.subresource !== '' ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const scope = attrs.namespace !== '' ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope';
  const why = `User "${identity.user}" cannot ${attrs.verb} resource "${resource}" in API group "${attrs.group}" ${scope}`;
  const qualified = attrs.group !== '' ? `${attrs.resource}.${attrs.group}` : attrs.resource;
  const message = attrs.name !== '' ? `${qualified} "${attrs.name}" is forbidden: ${why}` : `${qualified} is forbidden: ${why}`;
  const details: StatusDetails = {};
  if (attrs.name !== '') details.name = attrs.name;
  if (attrs.group !== '') details.group = attrs.group;
  details.kind = attrs.resource;
  return new ApiError(403, 'Forbidden', message.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;'), details, { 'X-Content-Type-Options': 'nosniff' });
}

/** The path SelfSubjectAccessReviews are created at. */
export const SSAR_PATH = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

const RESOURCE_ATTRIBUTE_KEYS = ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'] as const;

/**
 * Answers a SelfSubjectAccessReview (201 body) from the caller's rules. Like kube-apiserver: the
 * spec is echoed with empty fields left out, `status.allowed` says the decision, and an RBAC grant
 * names the binding in `reason` (full-access callers get no reason, like system:masters).
 */
export function selfSubjectAccessReview(identity: SandboxIdentity | undefined, raw: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw badRequest('the object provided is unrecognized (must be of type SelfSubjectAccessReview)');
  }
  const spec = (typeof body === 'object' && body !== null ? (body as { spec?: unknown }).spec : undefined) as
    | { resourceAttributes?: Record<string, unknown>; nonResourceAttributes?: Record<string, unknown> }
    | undefined;
  const ra = spec?.resourceAttributes;
  const nra = spec?.nonResourceAttributes;
  if ((ra === undefined) === (nra === undefined)) {
    const message = ra === undefined ? 'spec.resourceAttributes: Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified' : 'spec.nonResourceAttributes: Invalid value: "": cannot be specified in combination with resourceAttributes';
    throw new ApiError(422, 'Invalid', `SelfSubjectAccessReview.authorization.k8s.io "" is invalid: ${message}`, { group: 'authorization.k8s.io', kind: 'SelfSubjectAccessReview' });
  }
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  let allowed: boolean;
  let echoed: Record<string, unknown>;
  if (ra !== undefined) {
    const attrs = Object.fromEntries(RESOURCE_ATTRIBUTE_KEYS.map((k) => [k, str(ra[k])])) as Record<(typeof RESOURCE_ATTRIBUTE_KEYS)[number], string>;
    echoed = { resourceAttributes: Object.fromEntries(RESOURCE_ATTRIBUTE_KEYS.filter((k) => attrs[k] !== '').map((k) => [k, attrs[k]])) };
    allowed = authorize(identity, { ...attrs });
  } else {
    const path = str(nra?.path);
    const verb = str(nra?.verb);
    echoed = { nonResourceAttributes: { ...(path !== '' ? { path } : {}), ...(verb !== '' ? { verb } : {}) } };
    allowed = true; // discovery, /version, /healthz and the like are open to authenticated users
  }
  const status: Record<string, unknown> = { allowed };
  if (allowed && identity !== undefined) {
    const role = identity.roleName ?? 'sandbox';
    const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(identity.user);
    const subject = sa !== null ? `ServiceAccount "${sa[2]}/${sa[1]}"` : `User "${identity.user}"`;
    status.reason = `RBAC: allowed by ClusterRoleBinding "${role}" of ClusterRole "${role}" to ${subject}`;
  }
  return { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: echoed, status };
}
