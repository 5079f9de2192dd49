/**
 * What the operator does with the permissions it has (issue 9 point 2). Pure: from the answers of
 * the start-up probe (kube/permissions.ts) to a plan (which sources, which scale verb, whether to
 * write status, elect a leader, send Events, evict) plus the rows of the one start-up table.
 */

/** One permission the probe asks about. `namespace` set = the operator's Role (Lease) scope. */
export interface PermissionCheck {
  verb: string;
  group: string;
  /** `resource` or `resource/subresource`. */
  resource: string;
  namespace?: string;
}

/** A probe answer: granted, denied, or unknown (the review itself failed). */
export interface PermissionAnswer extends PermissionCheck {
  allowed: boolean | undefined;
  /** Why the answer is unknown. */
  error?: string;
}

/** How the operator runs under the permissions it has. */
export interface PermissionPlan {
  /** Namespaces and CMCs: list+watch informer, or a watch-only source (watch without resourceVersion). */
  namespaceSource: 'list-watch' | 'watch-only';
  cmcSource: 'list-watch' | 'watch-only';
  /** Deployments: a cluster-wide informer (list+watch), or a GET per action (the seed's ClusterRole grants only get). */
  deploymentSource: 'informer' | 'get';
  /** Pods: a cluster-wide informer (list+watch), or a LIST (resourceVersion=0) per action when watch is missing. */
  podSource: 'informer' | 'list';
  /** randomScale: PATCH or PUT of deployments/<name>/scale. */
  scaleVerb: 'patch' | 'update';
  statusWrites: boolean;
  /** false: run without a Lease (one replica). */
  leaderElection: boolean;
  events: boolean;
  /** `create` on pods/eviction: false blocks the slots of `killMethod: evict` CMCs (fail closed). */
  evictions: boolean;
  /** What cannot work at all, one readable line each naming the missing rule. Non-empty = not ready. */
  fatal: string[];
  /** Notes to say once (degraded but running). */
  warnings: string[];
  rows: PermissionRow[];
}

/** One row of the start-up table. */
export interface PermissionRow {
  permission: string;
  scope: string;
  granted: 'yes' | 'no' | 'unknown';
  /** What the operator does about it. */
  then: string;
}

/** Every permission the probe asks about: the rule table of kube/rbac.ts plus the fallbacks. */
export function permissionChecks(cluster: readonly { apiGroups: string[]; resources: string[]; verbs: string[] }[], namespaced: readonly { apiGroups: string[]; resources: string[]; verbs: string[] }[], namespace: string): PermissionCheck[] {
  const expand = (rules: typeof cluster, ns?: string): PermissionCheck[] =>
    rules.flatMap((r) => r.apiGroups.flatMap((group) => r.resources.flatMap((resource) => r.verbs.map((verb) => ({ verb, group, resource, ...(ns !== undefined ? { namespace: ns } : {}) })))));
  const fallbacks: PermissionCheck[] = [
    { verb: 'update', group: 'apps', resource: 'deployments/scale' },
    { verb: 'get', group: 'apps', resource: 'deployments' },
  ];
  const listed = expand(cluster);
  const extra = fallbacks.filter((f) => !listed.some((c) => c.verb === f.verb && c.group === f.group && c.resource === f.resource));
  return [...listed, ...extra, ...expand(namespaced, namespace)];
}

const label = (c: PermissionCheck): string => `${c.verb} ${c.group === '' ? 'core' : c.group}/${c.resource}`;

/** kube's RBAC rule that would grant `c`, for messages ("verbs: [delete] on pods"). */
const ruleText = (c: PermissionCheck): string => `apiGroups: ["${c.group}"], resources: ["${c.resource}"], verbs: ["${c.verb}"]`;

/**
 * Decides the plan. Unknown answers count as granted (the request itself will then be refused or
 * not; the table says "unknown"). `leaderElectConfigured` is CHAOSMONKEY_LEADER_ELECT.
 */
export function planPermissions(answers: readonly PermissionAnswer[], leaderElectConfigured: boolean): PermissionPlan {
  const find = (verb: string, group: string, resource: string): PermissionAnswer | undefined => answers.find((a) => a.verb === verb && a.group === group && a.resource === resource);
  const ok = (verb: string, group: string, resource: string): boolean => find(verb, group, resource)?.allowed !== false;
  const fatal: string[] = [];
  const warnings: string[] = [];
  const then = new Map<string, string>();
  const say = (verb: string, group: string, resource: string, text: string): void => {
    then.set(`${verb} ${group} ${resource}`, text);
  };
  const missing = (verb: string, group: string, resource: string, what: string): void => {
    const check = { verb, group, resource };
    fatal.push(`missing RBAC rule {${ruleText(check)}}: ${what}`);
    say(verb, group, resource, `FATAL: ${what}; not ready until granted`);
  };

  const source = (group: string, resource: string, kind: string): 'list-watch' | 'watch-only' => {
    const list = ok('list', group, resource);
    const watch = ok('watch', group, resource);
    if (!watch) missing('watch', group, resource, `cannot watch ${kind}`);
    else say('watch', group, resource, `watch ${kind}`);
    if (list) {
      say('list', group, resource, `list ${kind} (informer)`);
      return 'list-watch';
    }
    if (watch) {
      say('list', group, resource, `watch-only source: a watch without resourceVersion delivers every existing one as ADDED`);
      warnings.push(`no list on ${resource}: using a watch-only source for ${kind}`);
    } else say('list', group, resource, '-');
    return 'watch-only';
  };
  const namespaceSource = source('', 'namespaces', 'Namespaces');
  const cmcSource = source('cm.massix.github.io', 'chaosmonkeyconfigurations', 'ChaosMonkeyConfigurations');

  const statusWrites = ok('patch', 'cm.massix.github.io', 'chaosmonkeyconfigurations/status');
  say('patch', 'cm.massix.github.io', 'chaosmonkeyconfigurations/status', statusWrites ? 'write CMC status' : 'no status writes');
  if (!statusWrites) warnings.push('no patch on chaosmonkeyconfigurations/status: CMC status is not written');

  let podSource: 'informer' | 'list' = 'informer';
  if (!ok('list', '', 'pods')) {
    missing('list', '', 'pods', 'killPod and antiPressure cannot choose pods');
    say('watch', '', 'pods', '-');
  } else if (ok('watch', '', 'pods')) {
    say('list', '', 'pods', 'pod cache (informer): killPod and antiPressure choose pods without a request');
    say('watch', '', 'pods', 'pod cache (informer)');
  } else {
    podSource = 'list';
    say('list', '', 'pods', 'choose pods: one LIST (resourceVersion=0, from the API server cache) per action');
    say('watch', '', 'pods', 'no pod cache: one LIST per action instead');
    warnings.push('no watch on pods: one pod LIST per killPod/antiPressure action instead of the pod cache');
  }
  if (!ok('delete', '', 'pods')) missing('delete', '', 'pods', 'cannot kill pods');
  else say('delete', '', 'pods', 'kill pods');
  const evictions = ok('create', '', 'pods/eviction');
  say('create', '', 'pods/eviction', evictions ? 'evict pods (killMethod evict)' : 'killMethod evict CMCs are Blocked (EvictionForbidden): no pod is evicted, none deleted instead');
  if (!evictions) warnings.push('no create on pods/eviction: CMCs with killMethod evict are Blocked (EvictionForbidden)');
  let deploymentSource: 'informer' | 'get' = 'informer';
  if (ok('list', 'apps', 'deployments') && ok('watch', 'apps', 'deployments')) {
    say('list', 'apps', 'deployments', 'Deployment cache (informer): actions read target Deployments without a request');
    say('watch', 'apps', 'deployments', 'Deployment cache (informer)');
    say('get', 'apps', 'deployments', 'not needed');
  } else {
    const fallback = ok('get', 'apps', 'deployments');
    const instead = fallback ? 'no Deployment cache: one GET per action instead' : '-';
    say('list', 'apps', 'deployments', instead);
    say('watch', 'apps', 'deployments', instead);
    if (fallback) {
      deploymentSource = 'get';
      say('get', 'apps', 'deployments', 'read target Deployments: one GET per action');
      warnings.push('no list+watch on deployments: one Deployment GET per action instead of the Deployment cache');
    } else {
      missing('list', 'apps', 'deployments', 'cannot read target Deployments (neither list+watch nor get)');
      say('get', 'apps', 'deployments', '-');
    }
  }

  const patchScale = ok('patch', 'apps', 'deployments/scale');
  const updateScale = find('update', 'apps', 'deployments/scale')?.allowed === true;
  let scaleVerb: 'patch' | 'update' = 'patch';
  if (patchScale) {
    say('patch', 'apps', 'deployments/scale', 'randomScale: PATCH the scale subresource');
    say('update', 'apps', 'deployments/scale', 'not needed');
  } else if (updateScale) {
    scaleVerb = 'update';
    say('patch', 'apps', 'deployments/scale', 'randomScale uses update (PUT) instead');
    say('update', 'apps', 'deployments/scale', 'randomScale: PUT the scale subresource');
  } else {
    say('patch', 'apps', 'deployments/scale', 'randomScale actions fail (403)');
    say('update', 'apps', 'deployments/scale', 'randomScale actions fail (403)');
    warnings.push('neither patch nor update on deployments/scale: randomScale actions fail');
  }

  if (!ok('list', 'metrics.k8s.io', 'pods')) {
    say('list', 'metrics.k8s.io', 'pods', 'antiPressure actions fail (403)');
    warnings.push('no list on metrics.k8s.io pods: antiPressure actions fail');
  } else say('list', 'metrics.k8s.io', 'pods', 'antiPressure: read pod CPU');

  const events = ok('create', '', 'events');
  say('create', '', 'events', events ? 'record Events' : 'no Events');
  if (!events) warnings.push('no create on events: no Events are recorded');
  say('patch', '', 'events', ok('patch', '', 'events') ? 'count repeated Events' : 'repeated Events: the count update fails (logged)');

  const leases = ['get', 'create', 'update'].every((v) => ok(v, 'coordination.k8s.io', 'leases'));
  const leaderElection = leaderElectConfigured && leases;
  for (const v of ['get', 'create', 'update']) {
    say(v, 'coordination.k8s.io', 'leases', !leaderElectConfigured ? 'leader election off (CHAOSMONKEY_LEADER_ELECT=false)' : leases ? 'leader election' : 'NO LEADER ELECTION: run exactly one replica');
  }

  const rows: PermissionRow[] = answers.map((a) => ({
    permission: label(a),
    scope: a.namespace !== undefined ? `namespace ${a.namespace}` : 'cluster',
    granted: a.allowed === undefined ? 'unknown' : a.allowed ? 'yes' : 'no',
    then: then.get(`${a.verb} ${a.group} ${a.resource}`) ?? '',
  }));
  return { namespaceSource, cmcSource, deploymentSource, podSource, scaleVerb, statusWrites, leaderElection, events, evictions, fatal, warnings, rows };
}

/** The rows as an aligned text table (one multi-line log field). */
export function renderPermissionTable(rows: readonly PermissionRow[]): string {
  const head: PermissionRow = { permission: 'PERMISSION', scope: 'SCOPE', granted: 'GRANTED' as PermissionRow['granted'], then: 'OPERATOR DOES' };
  const all = [head, ...rows];
  const w = (k: keyof PermissionRow): number => Math.max(...all.map((r) => r[k].length));
  return all.map((r) => `${r.permission.padEnd(w('permission'))}  ${r.scope.padEnd(w('scope'))}  ${r.granted.padEnd(w('granted'))}  ${r.then}`.trimEnd()).join('\n');
}
