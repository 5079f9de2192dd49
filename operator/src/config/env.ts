/**
 * Operator configuration from `CHAOSMONKEY_*` environment variables (seed-spec.md 3, issue 4
 * point 1). Pure: the caller passes the environment and the values only the process can know.
 *
 * | variable | values | default | origin |
 * |---|---|---|---|
 * | `CHAOSMONKEY_LOGLEVEL` | trace, debug, info, warn (alias warning), error, critical (alias fatal), panic; case-insensitive | `info` | seed |
 * | `CHAOSMONKEY_BEHAVIOR` | AllowAll, DenyAll; case-insensitive | `AllowAll` | seed |
 * | `CHAOSMONKEY_NS_TIMEOUT` | Go duration >= 0 | `48h` | seed: `timeoutSeconds` of each Namespace watch request |
 * | `CHAOSMONKEY_CRD_TIMEOUT` | Go duration >= 0 | `48h` | seed: `timeoutSeconds` of each CMC watch request |
 * | `CHAOSMONKEY_POD_TIMEOUT` | Go duration >= 0 | `48h` | seed: `timeoutSeconds` of each (cluster-wide) Pod and Deployment watch request |
 * | `CHAOSMONKEY_NAMESPACE` | namespace name | service-account namespace file, else `chaosmonkey` | ours: the operator's own namespace (Lease, /health root_namespace) |
 * | `CHAOSMONKEY_TARGET_SELF` | true/false (1/0, yes/no) | `false` | ours: allow chaos in the operator's own namespace |
 * | `CHAOSMONKEY_DRY_RUN` | true/false (1/0, yes/no) | `false` | ours: every CMC runs as with spec.dryRun |
 * | `CHAOSMONKEY_KILL_GRACE_SECONDS` | integer >= 0 | `0` | seed value made configurable: grace period of pod deletions |
 * | `CHAOSMONKEY_METRICS_PORT` | integer 0..65535 (0 = any free port) | `9000` | ours: port of /metrics, /health, /readyz, /livez |
 * | `CHAOSMONKEY_LEADER_ELECT` | true/false (1/0, yes/no) | `true` | ours: Lease-based leader election |
 * | `CHAOSMONKEY_LEASE_NAME` | DNS-1123 subdomain | `chaos-monkey-leader` | ours: Lease object name |
 * | `CHAOSMONKEY_LEASE_DURATION` | Go duration >= 1s | `15s` | ours: Lease duration (failover time); renew deadline and retry period derive from it (config/lease-timing.ts) |
 * | `CHAOSMONKEY_POD_NAME` | any non-empty text | host name | ours: leader identity (holderIdentity) |
 * | `CHAOSMONKEY_RANDOM_SEED` | any non-empty text | unset (random seed, logged) | ours: seed of the chaos PRNG, for reproducible runs |
 * | `CHAOSMONKEY_LOG_FORMAT` | json, text; case-insensitive | unset: text when stdout is a terminal, else json | ours: log line format |
 * | `CHAOSMONKEY_ALERTMANAGER_URL` | http(s) URL | unset (no stop condition) | ours: Alertmanager polled for the stop condition |
 * | `CHAOSMONKEY_STOP_ON_ALERTS` | Alertmanager matchers (alerts/matchers.ts) | `severity="critical"` | ours: alerts that stop chaos while they fire |
 * | `CHAOSMONKEY_ALERTMANAGER_REFRESH` | Go duration >= 1s | `5s` | ours: time between two Alertmanager requests |
 * | `CHAOSMONKEY_STOP_ON_UNKNOWN` | true/false (1/0, yes/no) | `true` | ours: Alertmanager unreachable or answering garbage stops chaos (fail closed) |
 * | `CHAOSMONKEY_NOTIFY_URL` | http(s) URL (a secret: never logged) | unset (no notifications) | ours: webhook receiving notifications |
 * | `CHAOSMONKEY_NOTIFY_FORMAT` | json, slack; case-insensitive | `json` | ours: payload shape |
 * | `CHAOSMONKEY_NOTIFY_EVENTS` | comma list of action, failure, blocked, pause, window | `failure,pause` | ours: which events are sent |
 *
 * Watch timeouts follow the seed: the duration is truncated to whole seconds, so a value below 1s
 * gives 0 (the API server then applies its own default). An absent variable silently takes its
 * default; a present but bad value (including the empty string) takes the default and adds one
 * warning naming the variable.
 */
import { parseGoDuration, SECOND, MILLISECOND } from '../../../api/duration.ts';
import { parseMatchers } from '../alerts/matchers.ts';
import type { Matcher } from '../alerts/matchers.ts';
import { DEFAULT_NOTIFY_EVENTS, parseEventList } from '../notify/events.ts';
import type { NotifyFormat } from '../notify/format.ts';
import type { NotifyEventKind } from '../ports.ts';

/** Log levels accepted by `CHAOSMONKEY_LOGLEVEL` (the seed's logrus names; `critical` = fatal). */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'critical' | 'panic';
/** Log line format: one JSON object per line, or one readable line (time, level, message, fields). */
export type LogFormat = 'json' | 'text';
/** Namespace policy (seed-spec.md 4.1). */
export type Behavior = 'AllowAll' | 'DenyAll';

/** Typed, frozen operator configuration (see the module table for each field's variable). */
export interface OperatorConfig {
  readonly logLevel: LogLevel;
  /** undefined = not chosen: the entry point picks text for a terminal, else json. */
  readonly logFormat: LogFormat | undefined;
  readonly behavior: Behavior;
  /** `timeoutSeconds` for Namespace watch requests (CHAOSMONKEY_NS_TIMEOUT). */
  readonly nsWatchTimeoutSeconds: number;
  /** `timeoutSeconds` for CMC watch requests (CHAOSMONKEY_CRD_TIMEOUT). */
  readonly crdWatchTimeoutSeconds: number;
  /** `timeoutSeconds` for Pod/Deployment watch requests (CHAOSMONKEY_POD_TIMEOUT). */
  readonly podWatchTimeoutSeconds: number;
  /** The operator's own namespace. */
  readonly namespace: string;
  /** When false (default) the own namespace is never a chaos target. */
  readonly targetSelf: boolean;
  /** CHAOSMONKEY_DRY_RUN: every CMC acts as with spec.dryRun true (decide and report, send nothing). */
  readonly dryRun: boolean;
  /** `gracePeriodSeconds` of pod deletions (seed: 0). */
  readonly killGraceSeconds: number;
  /** HTTP port for /metrics, /health, /readyz, /livez. */
  readonly metricsPort: number;
  readonly leaderElect: boolean;
  readonly leaseName: string;
  /** Lease duration in milliseconds (whole seconds: Lease.spec.leaseDurationSeconds). */
  readonly leaseDurationMs: number;
  /** Leader identity. */
  readonly podName: string;
  /** Seed of the chaos PRNG; undefined = pick one at random (and log it). */
  readonly randomSeed: string | undefined;
  /**
   * Alert-driven stop condition; undefined when CHAOSMONKEY_ALERTMANAGER_URL is unset. A URL that
   * does not parse is kept (with a warning): every request then fails, and chaos stays stopped
   * when failing closed.
   */
  readonly stopOnAlerts: StopOnAlertsConfig | undefined;
  /** Webhook notifications (notify/); undefined when CHAOSMONKEY_NOTIFY_URL is unset, empty or not an http(s) URL. */
  readonly notify: NotifyConfig | undefined;
}

/** Settings of the notification sender (notify/sender.ts). */
export interface NotifyConfig {
  /** A secret: never log it (notify/http-transport.ts safeHost gives the loggable part). */
  readonly url: string;
  readonly format: NotifyFormat;
  readonly events: readonly NotifyEventKind[];
}

/** Settings of the alert-driven stop condition (alerts/stop-condition.ts). */
export interface StopOnAlertsConfig {
  readonly alertmanagerUrl: string;
  readonly matchers: readonly Matcher[];
  readonly refreshMs: number;
  /** true: Alertmanager unreachable or answering garbage stops chaos (StopConditionUnknown). */
  readonly failClosed: boolean;
}

/** Values only the process can know (main.ts reads them), used as defaults. */
export interface EnvDefaults {
  /** Content of /var/run/secrets/kubernetes.io/serviceaccount/namespace, when readable. */
  serviceAccountNamespace?: string;
  /** os.hostname(). */
  hostname?: string;
}

/** Result of {@link parseEnv}. */
export interface ParsedEnv {
  config: OperatorConfig;
  /** One human-readable line per bad value, each naming its variable. */
  warnings: string[];
}

/** Documentation row of one supported variable (README and tests read {@link ENV_VARIABLES}). */
export interface EnvVariableDoc {
  name: string;
  defaultValue: string;
  description: string;
  /** 'seed' = same name and meaning as massix/chaos-monkey; 'ours' = added by this project. */
  origin: 'seed' | 'ours';
}

/** True for an absolute http: or https: URL (Alertmanager and notification endpoints). */
function isHttpUrl(text: string): boolean {
  return URL.canParse(text) && /^https?:$/.test(new URL(text).protocol);
}

/** Every `CHAOSMONKEY_*` variable the operator reads, in README order. */
export const ENV_VARIABLES: readonly EnvVariableDoc[] = Object.freeze([
  { name: 'CHAOSMONKEY_LOGLEVEL', defaultValue: 'info', origin: 'seed', description: 'trace, debug, info, warn, error, critical, panic (case-insensitive)' },
  { name: 'CHAOSMONKEY_BEHAVIOR', defaultValue: 'AllowAll', origin: 'seed', description: 'AllowAll or DenyAll (case-insensitive): namespace opt-out or opt-in' },
  { name: 'CHAOSMONKEY_NS_TIMEOUT', defaultValue: '48h', origin: 'seed', description: 'Go duration: timeoutSeconds of each Namespace watch request' },
  { name: 'CHAOSMONKEY_CRD_TIMEOUT', defaultValue: '48h', origin: 'seed', description: 'Go duration: timeoutSeconds of each ChaosMonkeyConfiguration watch request' },
  { name: 'CHAOSMONKEY_POD_TIMEOUT', defaultValue: '48h', origin: 'seed', description: 'Go duration: timeoutSeconds of each cluster-wide Pod and Deployment watch request' },
  { name: 'CHAOSMONKEY_NAMESPACE', defaultValue: 'service-account namespace, else chaosmonkey', origin: 'ours', description: "the operator's own namespace (Lease, /health root_namespace)" },
  { name: 'CHAOSMONKEY_TARGET_SELF', defaultValue: 'false', origin: 'ours', description: "true lets chaos act in the operator's own namespace" },
  { name: 'CHAOSMONKEY_DRY_RUN', defaultValue: 'false', origin: 'ours', description: 'true: every CMC runs as with spec.dryRun (actions decided and reported, no pod deleted, nothing scaled)' },
  { name: 'CHAOSMONKEY_KILL_GRACE_SECONDS', defaultValue: '0', origin: 'ours', description: 'gracePeriodSeconds of pod deletions (the seed always uses 0)' },
  { name: 'CHAOSMONKEY_METRICS_PORT', defaultValue: '9000', origin: 'ours', description: 'port of /metrics, /health, /readyz, /livez (0 = any free port)' },
  { name: 'CHAOSMONKEY_LEADER_ELECT', defaultValue: 'true', origin: 'ours', description: 'Lease-based leader election (false: this replica always acts)' },
  { name: 'CHAOSMONKEY_LEASE_NAME', defaultValue: 'chaos-monkey-leader', origin: 'ours', description: 'name of the coordination.k8s.io/v1 Lease' },
  { name: 'CHAOSMONKEY_LEASE_DURATION', defaultValue: '15s', origin: 'ours', description: 'Go duration >= 1s: Lease duration, bounds failover time; renew deadline 2/3 and retry period 2/15 of it' },
  { name: 'CHAOSMONKEY_POD_NAME', defaultValue: 'host name', origin: 'ours', description: 'leader identity written to the Lease' },
  { name: 'CHAOSMONKEY_RANDOM_SEED', defaultValue: '(random, logged)', origin: 'ours', description: 'seed of the chaos random source, for reproducible runs' },
  { name: 'CHAOSMONKEY_LOG_FORMAT', defaultValue: 'text on a terminal, else json', origin: 'ours', description: 'json (one object per line) or text (one readable line: time, level, message, fields)' },
  { name: 'CHAOSMONKEY_ALERTMANAGER_URL', defaultValue: '(unset: no stop condition)', origin: 'ours', description: 'base URL of an Alertmanager whose firing alerts stop chaos' },
  { name: 'CHAOSMONKEY_STOP_ON_ALERTS', defaultValue: 'severity="critical"', origin: 'ours', description: 'Alertmanager matchers (e.g. {severity="critical",team=~"a|b"}): a matching active alert stops chaos' },
  { name: 'CHAOSMONKEY_ALERTMANAGER_REFRESH', defaultValue: '5s', origin: 'ours', description: 'Go duration >= 1s: time between two Alertmanager requests (one per refresh for all CMCs)' },
  { name: 'CHAOSMONKEY_STOP_ON_UNKNOWN', defaultValue: 'true', origin: 'ours', description: 'true: Alertmanager unreachable or answering garbage stops chaos (fail closed); false: chaos goes on' },
  { name: 'CHAOSMONKEY_NOTIFY_URL', defaultValue: '(unset: no notifications)', origin: 'ours', description: 'http(s) webhook URL that receives notifications (a secret: only its host is logged)' },
  { name: 'CHAOSMONKEY_NOTIFY_FORMAT', defaultValue: 'json', origin: 'ours', description: 'json (generic document, e.g. for Microsoft Teams workflows) or slack (incoming-webhook payload)' },
  { name: 'CHAOSMONKEY_NOTIFY_EVENTS', defaultValue: 'failure,pause', origin: 'ours', description: 'comma list of action, failure, blocked, pause, window: which events are notified' },
] satisfies EnvVariableDoc[]);

const LOG_LEVELS: ReadonlyMap<string, LogLevel> = new Map([
  ['trace', 'trace'],
  ['debug', 'debug'],
  ['info', 'info'],
  ['warn', 'warn'],
  ['warning', 'warn'], // logrus accepts both spellings
  ['error', 'error'],
  ['critical', 'critical'],
  ['fatal', 'critical'], // logrus name of the same level
  ['panic', 'panic'],
]);

const DEFAULT_WATCH_TIMEOUT_SECONDS = 48 * 3600;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Parses the operator's environment. Never throws: every bad value falls back to its default and
 * adds a warning naming the variable. The returned config is frozen.
 * @param env usually `process.env`.
 * @param defaults values read by main.ts (service-account namespace, host name).
 */
export function parseEnv(env: Readonly<Record<string, string | undefined>>, defaults: EnvDefaults = {}): ParsedEnv {
  const warnings: string[] = [];
  const bad = (name: string, value: string, fallback: string, why?: string): void => {
    warnings.push(`${name}: invalid value ${JSON.stringify(value)}${why === undefined ? '' : ` (${why})`}, using default ${JSON.stringify(fallback)}`);
  };

  const logLevel = ((): LogLevel => {
    const raw = env.CHAOSMONKEY_LOGLEVEL;
    if (raw === undefined) return 'info';
    const level = LOG_LEVELS.get(raw.trim().toLowerCase());
    if (level === undefined) bad('CHAOSMONKEY_LOGLEVEL', raw, 'info', 'expected trace, debug, info, warn, error, critical or panic');
    return level ?? 'info';
  })();

  const logFormat = ((): LogFormat | undefined => {
    const raw = env.CHAOSMONKEY_LOG_FORMAT;
    if (raw === undefined) return undefined;
    const v = raw.trim().toLowerCase();
    if (v === 'json' || v === 'text') return v;
    bad('CHAOSMONKEY_LOG_FORMAT', raw, 'text on a terminal, else json', 'expected json or text');
    return undefined;
  })();

  const behavior = ((): Behavior => {
    const raw = env.CHAOSMONKEY_BEHAVIOR;
    if (raw === undefined) return 'AllowAll';
    const upper = raw.trim().toUpperCase();
    if (upper === 'ALLOWALL') return 'AllowAll';
    if (upper === 'DENYALL') return 'DenyAll';
    bad('CHAOSMONKEY_BEHAVIOR', raw, 'AllowAll', 'expected AllowAll or DenyAll');
    return 'AllowAll';
  })();

  const watchTimeout = (name: string): number => {
    const raw = env[name];
    if (raw === undefined) return DEFAULT_WATCH_TIMEOUT_SECONDS;
    const parsed = parseGoDuration(raw.trim());
    if (!parsed.ok) {
      bad(name, raw, '48h', parsed.error);
      return DEFAULT_WATCH_TIMEOUT_SECONDS;
    }
    if (parsed.ns < 0n) {
      bad(name, raw, '48h', 'negative duration');
      return DEFAULT_WATCH_TIMEOUT_SECONDS;
    }
    return Number(parsed.ns / SECOND); // seed: whole seconds, fraction truncated
  };

  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined) return fallback;
    const v = raw.trim().toLowerCase();
    if (v === 'true' || v === '1' || v === 'yes') return true;
    if (v === 'false' || v === '0' || v === 'no') return false;
    bad(name, raw, String(fallback), 'expected true or false');
    return fallback;
  };

  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined) return fallback;
    const v = raw.trim();
    if (/^\d+$/.test(v)) {
      const n = Number(v);
      if (n >= min && n <= max) return n;
    }
    bad(name, raw, String(fallback), `expected an integer in [${min}, ${max}]`);
    return fallback;
  };

  const text = (name: string, fallback: string, pattern?: RegExp): string => {
    const raw = env[name];
    if (raw === undefined) return fallback;
    const v = raw.trim();
    if (v === '' || (pattern !== undefined && !pattern.test(v)) || v.length > 253) {
      bad(name, raw, fallback, pattern === undefined ? 'empty' : 'expected a DNS-1123 name');
      return fallback;
    }
    return v;
  };

  const leaseDurationMs = ((): number => {
    const name = 'CHAOSMONKEY_LEASE_DURATION';
    const fallback = 15_000;
    const raw = env[name];
    if (raw === undefined) return fallback;
    const parsed = parseGoDuration(raw.trim());
    if (!parsed.ok) {
      bad(name, raw, '15s', parsed.error);
      return fallback;
    }
    if (parsed.ns < SECOND) {
      bad(name, raw, '15s', 'must be at least 1s');
      return fallback;
    }
    return Number(parsed.ns / SECOND) * Number(SECOND / MILLISECOND); // Lease durations are whole seconds
  })();

  const stopOnAlerts = ((): StopOnAlertsConfig | undefined => {
    // Every setting is checked (and warned about) even without a URL: a typo is said at once.
    const fallback = 'severity="critical"';
    let matchers = (parseMatchers(fallback) as { ok: true; matchers: Matcher[] }).matchers;
    const rawMatchers = env.CHAOSMONKEY_STOP_ON_ALERTS;
    if (rawMatchers !== undefined) {
      const parsed = parseMatchers(rawMatchers);
      if (parsed.ok) matchers = parsed.matchers;
      else bad('CHAOSMONKEY_STOP_ON_ALERTS', rawMatchers, fallback, parsed.error);
    }
    let refreshMs = 5_000;
    const rawRefresh = env.CHAOSMONKEY_ALERTMANAGER_REFRESH;
    if (rawRefresh !== undefined) {
      const parsed = parseGoDuration(rawRefresh.trim());
      if (!parsed.ok) bad('CHAOSMONKEY_ALERTMANAGER_REFRESH', rawRefresh, '5s', parsed.error);
      else if (parsed.ns < SECOND) bad('CHAOSMONKEY_ALERTMANAGER_REFRESH', rawRefresh, '5s', 'must be at least 1s');
      else refreshMs = Number(parsed.ns / MILLISECOND);
    }
    const failClosed = bool('CHAOSMONKEY_STOP_ON_UNKNOWN', true);
    const rawUrl = env.CHAOSMONKEY_ALERTMANAGER_URL;
    if (rawUrl === undefined) return undefined;
    const alertmanagerUrl = rawUrl.trim();
    if (alertmanagerUrl === '') {
      warnings.push('CHAOSMONKEY_ALERTMANAGER_URL: empty value, no alert stop condition');
      return undefined;
    }
    if (!isHttpUrl(alertmanagerUrl)) {
      warnings.push(`CHAOSMONKEY_ALERTMANAGER_URL: invalid value ${JSON.stringify(rawUrl)} (expected an http(s) URL): every Alertmanager request will fail`);
    }
    return Object.freeze({ alertmanagerUrl, matchers: Object.freeze(matchers), refreshMs, failClosed });
  })();

  const notify = ((): NotifyConfig | undefined => {
    let format: NotifyFormat = 'json';
    const rawFormat = env.CHAOSMONKEY_NOTIFY_FORMAT;
    if (rawFormat !== undefined) {
      const v = rawFormat.trim().toLowerCase();
      if (v === 'json' || v === 'slack') format = v;
      else bad('CHAOSMONKEY_NOTIFY_FORMAT', rawFormat, 'json', 'expected json or slack');
    }
    let events: readonly NotifyEventKind[] = DEFAULT_NOTIFY_EVENTS;
    const rawEvents = env.CHAOSMONKEY_NOTIFY_EVENTS;
    if (rawEvents !== undefined) {
      const parsed = parseEventList(rawEvents);
      if (parsed.ok) events = Object.freeze(parsed.events);
      else bad('CHAOSMONKEY_NOTIFY_EVENTS', rawEvents, DEFAULT_NOTIFY_EVENTS.join(','), parsed.error);
    }
    const rawUrl = env.CHAOSMONKEY_NOTIFY_URL;
    if (rawUrl === undefined) return undefined;
    const url = rawUrl.trim();
    // The value is a secret: the warnings never quote it.
    if (url === '') {
      warnings.push('CHAOSMONKEY_NOTIFY_URL: empty value, no notifications');
      return undefined;
    }
    if (!isHttpUrl(url)) {
      warnings.push('CHAOSMONKEY_NOTIFY_URL: invalid value (expected an http(s) URL; value not shown, it is a secret), no notifications');
      return undefined;
    }
    return Object.freeze({ url, format, events });
  })();

  const saNamespace = defaults.serviceAccountNamespace?.trim();
  const namespaceDefault = saNamespace !== undefined && saNamespace !== '' ? saNamespace : 'chaosmonkey';
  const hostname = defaults.hostname?.trim();

  const config: OperatorConfig = Object.freeze({
    logLevel,
    logFormat,
    behavior,
    nsWatchTimeoutSeconds: watchTimeout('CHAOSMONKEY_NS_TIMEOUT'),
    crdWatchTimeoutSeconds: watchTimeout('CHAOSMONKEY_CRD_TIMEOUT'),
    podWatchTimeoutSeconds: watchTimeout('CHAOSMONKEY_POD_TIMEOUT'),
    namespace: text('CHAOSMONKEY_NAMESPACE', namespaceDefault, DNS1123_SUBDOMAIN),
    targetSelf: bool('CHAOSMONKEY_TARGET_SELF', false),
    dryRun: bool('CHAOSMONKEY_DRY_RUN', false),
    killGraceSeconds: int('CHAOSMONKEY_KILL_GRACE_SECONDS', 0, 0, 2_147_483_647),
    metricsPort: int('CHAOSMONKEY_METRICS_PORT', 9000, 0, 65_535),
    leaderElect: bool('CHAOSMONKEY_LEADER_ELECT', true),
    leaseName: text('CHAOSMONKEY_LEASE_NAME', 'chaos-monkey-leader', DNS1123_SUBDOMAIN),
    leaseDurationMs,
    podName: text('CHAOSMONKEY_POD_NAME', hostname !== undefined && hostname !== '' ? hostname : 'chaos-monkey'),
    randomSeed: env.CHAOSMONKEY_RANDOM_SEED === undefined ? undefined : text('CHAOSMONKEY_RANDOM_SEED', '') || undefined,
    stopOnAlerts,
    notify,
  });
  return { config, warnings };
}
