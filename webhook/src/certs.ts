/**
 * Self-managed certificates: a CA and a serving certificate for `chaos-monkey.<ns>.svc` (and
 * `.svc.cluster.local`), kept in the Secret `chaos-monkey-tls`, with the CA injected into the CRD's
 * `spec.conversion.webhook.clientConfig.caBundle`, renewed before expiry.
 *
 * Several replicas never fight: the Secret is written with optimistic concurrency (create, or update
 * carrying the resourceVersion that was read); on 409 the replica re-reads and adopts the winner's
 * certificate. The CA is kept across serving-certificate renewals, so the caBundle does not change then;
 * when the CA itself is replaced, the bundle holds the new and the previous CA until the old one expires.
 *
 * API calls (see rbac.ts): secrets get/create/update in the webhook namespace; the CRD get/patch.
 */
import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import { generate } from 'selfsigned';
import { CRD_NAME } from '../../api/names.ts';
import { MERGE_PATCH, errorText, statusOf } from './kube.ts';
import type { Secret, WebhookKube } from './kube.ts';
import type { WebhookLogger } from './log.ts';

/** Name of the Secret holding the CA and the serving certificate. */
export const DEFAULT_SECRET_NAME = 'chaos-monkey-tls';
/** Name of the Service in front of the webhook (seed and CRD). */
export const DEFAULT_SERVICE_NAME = 'chaos-monkey';

const DAY_MS = 24 * 3600 * 1000;
/** Defaults: serving certificate 1 year, CA 10 years, renewal 30 days before expiry, a re-check every hour. */
export const DEFAULT_SERVING_VALIDITY_MS = 365 * DAY_MS;
export const DEFAULT_CA_VALIDITY_MS = 10 * 365 * DAY_MS;
export const DEFAULT_RENEW_BEFORE_MS = 30 * DAY_MS;
export const DEFAULT_CHECK_INTERVAL_MS = 3600 * 1000;
/** Retry period while the caBundle could not be injected. */
const INJECT_RETRY_MS = 30 * 1000;
/** Clock skew tolerated on notBefore. */
const SKEW_MS = 5 * 60 * 1000;

/** Everything the webhook needs: what to serve, and what the API server must trust. */
export interface CertificateBundle {
  /** PEM of every CA the API server should trust (current CA first, then a previous one during rotation). */
  caBundlePem: string;
  /** Current CA certificate and key (the key signs renewals). */
  caCertPem: string;
  caKeyPem: string;
  /** Serving certificate and key. */
  certPem: string;
  keyPem: string;
  /** Expiry of the serving certificate. */
  notAfter: Date;
}

/** What a valid serving certificate must cover, and when to renew. */
export interface CertificatePolicy {
  dnsNames: string[];
  ipAddresses: string[];
  renewBeforeMs: number;
  servingValidityMs: number;
  caValidityMs: number;
}

/** The two DNS names the API server may use for the Service. */
export function serviceDnsNames(service: string, namespace: string): string[] {
  return [`${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`];
}

/** One PEM block, trimmed, with a single trailing newline (the form {@link splitPemCertificates} returns). */
function normalizePem(pem: string): string {
  return `${pem.trim()}\n`;
}

/** Splits a PEM bundle into its certificates. */
export function splitPemCertificates(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)?.map((s) => `${s}\n`) ?? [];
}

/**
 * Checks a bundle against the policy at `now`.
 * @returns undefined when it can be served as is, else the reason it cannot (for logs).
 */
export function checkBundle(bundle: CertificateBundle, policy: CertificatePolicy, now: Date): string | undefined {
  try {
    const cert = new X509Certificate(bundle.certPem);
    const ca = new X509Certificate(bundle.caCertPem);
    const t = now.getTime();
    if (new Date(cert.validTo).getTime() - t <= policy.renewBeforeMs) return `serving certificate expires ${new Date(cert.validTo).toISOString()}, within the renewal window`;
    if (new Date(cert.validFrom).getTime() > t + SKEW_MS) return 'serving certificate is not valid yet';
    if (new Date(ca.validTo).getTime() - t <= policy.renewBeforeMs) return `CA expires ${new Date(ca.validTo).toISOString()}, within the renewal window`;
    for (const name of policy.dnsNames) if (cert.checkHost(name, { wildcards: false }) === undefined) return `serving certificate does not cover ${name}`;
    for (const ip of policy.ipAddresses) if (cert.checkIP(ip) === undefined) return `serving certificate does not cover ${ip}`;
    if (!cert.checkPrivateKey(createPrivateKey(bundle.keyPem))) return 'serving key does not match the certificate';
    if (!ca.checkPrivateKey(createPrivateKey(bundle.caKeyPem))) return 'CA key does not match the CA certificate';
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return 'serving certificate is not signed by the CA';
    if (!splitPemCertificates(bundle.caBundlePem).some((p) => new X509Certificate(p).fingerprint256 === ca.fingerprint256)) return 'CA bundle does not contain the CA';
    return undefined;
  } catch (err) {
    return `unreadable certificate material: ${(err as Error).message}`;
  }
}

async function generateCa(now: Date, validityMs: number): Promise<{ cert: string; key: string }> {
  // A unique subject per CA: during a CA rotation the trust bundle holds two CAs, and TLS stacks pick
  // the issuer by subject name.
  const pems = await generate([{ name: 'commonName', value: `chaos-monkey-webhook-ca-${now.getTime()}-${randomBytes(4).toString('hex')}` }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - SKEW_MS),
    notAfterDate: new Date(now.getTime() + validityMs),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/**
 * Issues a new bundle. Keeps the CA of `previous` when it is usable and outlives the new serving
 * certificate by the renewal window; otherwise makes a new CA and keeps the old one in the trust bundle
 * while it is unexpired (so API servers still holding the old caBundle keep working during the switch).
 */
export async function issueBundle(previous: CertificateBundle | undefined, policy: CertificatePolicy, now: Date): Promise<CertificateBundle> {
  const servingNotAfter = new Date(now.getTime() + policy.servingValidityMs);
  let ca: { cert: string; key: string } | undefined;
  let oldCas: string[] = [];
  if (previous !== undefined) {
    try {
      const prevCa = new X509Certificate(previous.caCertPem);
      const keyOk = prevCa.checkPrivateKey(createPrivateKey(previous.caKeyPem));
      if (keyOk && new Date(prevCa.validTo).getTime() >= servingNotAfter.getTime() + policy.renewBeforeMs) {
        ca = { cert: previous.caCertPem, key: previous.caKeyPem };
      } else if (new Date(prevCa.validTo).getTime() > now.getTime()) {
        oldCas = [previous.caCertPem];
      }
    } catch {
      // unreadable previous CA: start afresh
    }
  }
  ca ??= await generateCa(now, policy.caValidityMs);
  const altNames = [
    ...policy.dnsNames.map((value) => ({ type: 2 as const, value })),
    ...policy.ipAddresses.map((ip) => ({ type: 7 as const, ip })),
  ];
  const serving = await generate([{ name: 'commonName', value: policy.dnsNames[0] ?? 'chaos-monkey' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - SKEW_MS),
    notAfterDate: servingNotAfter,
    ca: { key: ca.key, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return {
    caBundlePem: [ca.cert, ...oldCas].map(normalizePem).join(''),
    caCertPem: normalizePem(ca.cert),
    caKeyPem: ca.key,
    certPem: serving.cert,
    keyPem: serving.private,
    notAfter: new Date(new X509Certificate(serving.cert).validTo),
  };
}

/** Secret data keys. `ca.crt` holds the trust bundle; `ca.key` the current CA's key. */
const KEYS = { cert: 'tls.crt', key: 'tls.key', ca: 'ca.crt', caKey: 'ca.key' } as const;

interface SecretLike {
  metadata?: { resourceVersion?: string };
  data?: Record<string, string>;
  type?: string;
}

/** Reads a bundle out of a Secret; undefined when a key is missing. */
export function bundleFromSecret(secret: SecretLike): CertificateBundle | undefined {
  const d = secret.data ?? {};
  const get = (k: string): string | undefined => (typeof d[k] === 'string' ? Buffer.from(d[k], 'base64').toString('utf8') : undefined);
  const certPem = get(KEYS.cert);
  const keyPem = get(KEYS.key);
  const caBundlePem = get(KEYS.ca);
  const caKeyPem = get(KEYS.caKey);
  if (certPem === undefined || keyPem === undefined || caBundlePem === undefined || caKeyPem === undefined) return undefined;
  const caCertPem = splitPemCertificates(caBundlePem)[0];
  if (caCertPem === undefined) return undefined;
  let notAfter = new Date(0);
  try {
    notAfter = new Date(new X509Certificate(certPem).validTo);
  } catch {
    // checkBundle reports it
  }
  return { certPem, keyPem, caBundlePem, caCertPem, caKeyPem, notAfter };
}

function secretData(bundle: CertificateBundle): Record<string, string> {
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  return { [KEYS.cert]: b64(bundle.certPem), [KEYS.key]: b64(bundle.keyPem), [KEYS.ca]: b64(bundle.caBundlePem), [KEYS.caKey]: b64(bundle.caKeyPem) };
}

/** Options shared by {@link ensureCertificate} and {@link startSelfManagedCertificates}. */
export interface SelfManagedOptions {
  client: WebhookKube;
  namespace: string;
  secretName?: string;
  serviceName?: string;
  crdName?: string;
  /** Extra names and IPs for the serving certificate (e.g. `localhost`, `127.0.0.1` in demo mode). */
  extraDnsNames?: string[];
  extraIpAddresses?: string[];
  renewBeforeMs?: number;
  servingValidityMs?: number;
  caValidityMs?: number;
  /** Clock (injected for tests). */
  now?: () => Date;
  logger: WebhookLogger;
}

/** How {@link ensureCertificate} got its bundle. */
export type EnsureAction = 'reused' | 'created' | 'renewed' | 'adopted';

/** Builds the policy from the options. */
export function policyFor(o: SelfManagedOptions): CertificatePolicy {
  return {
    dnsNames: [...serviceDnsNames(o.serviceName ?? DEFAULT_SERVICE_NAME, o.namespace), ...(o.extraDnsNames ?? [])],
    ipAddresses: [...(o.extraIpAddresses ?? [])],
    renewBeforeMs: o.renewBeforeMs ?? DEFAULT_RENEW_BEFORE_MS,
    servingValidityMs: o.servingValidityMs ?? DEFAULT_SERVING_VALIDITY_MS,
    caValidityMs: o.caValidityMs ?? DEFAULT_CA_VALIDITY_MS,
  };
}

/**
 * Makes sure the Secret holds a valid bundle and returns it: reuses a valid one, else issues one and
 * stores it (create, or update with the resourceVersion read). On a 409 (another replica won the race)
 * it re-reads and adopts the winner's bundle when valid. Up to 5 rounds.
 * @throws client-node's ApiException for API errors other than 404 on read and 409 on write; Error after 5 lost races.
 */
export async function ensureCertificate(o: SelfManagedOptions): Promise<{ bundle: CertificateBundle; action: EnsureAction }> {
  const now = o.now ?? (() => new Date());
  const policy = policyFor(o);
  const name = o.secretName ?? DEFAULT_SECRET_NAME;
  const { core } = o.client;
  const namespace = o.namespace;
  let lostRace = false;
  for (let round = 0; round < 5; round++) {
    let secret: Secret | undefined;
    try {
      secret = await core.readNamespacedSecret({ name, namespace });
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
    const existing = secret === undefined ? undefined : bundleFromSecret(secret);
    const reason = existing === undefined ? (secret === undefined ? 'Secret missing' : 'Secret incomplete') : checkBundle(existing, policy, now());
    if (existing !== undefined && reason === undefined) return { bundle: existing, action: lostRace ? 'adopted' : 'reused' };
    o.logger.info('issuing webhook certificate', { secret: `${o.namespace}/${name}`, reason });
    const fresh = await issueBundle(existing, policy, now());
    try {
      if (secret === undefined) {
        await core.createNamespacedSecret({
          namespace,
          body: {
            apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls',
            metadata: { name, namespace, labels: { 'app.kubernetes.io/name': 'chaos-monkey', 'app.kubernetes.io/component': 'webhook' } },
            data: secretData(fresh),
          },
        });
        return { bundle: fresh, action: 'created' };
      }
      // Update with the resourceVersion we read: a concurrent writer makes this a 409.
      await core.replaceNamespacedSecret({ name, namespace, body: { ...secret, data: { ...(secret.data ?? {}), ...secretData(fresh) } } });
      return { bundle: fresh, action: 'renewed' };
    } catch (err) {
      if (statusOf(err) === 409) {
        lostRace = true;
        o.logger.info('another replica wrote the certificate Secret first; re-reading', { secret: `${o.namespace}/${name}` });
        continue;
      }
      throw err;
    }
  }
  throw new Error(`could not store the certificate in Secret ${o.namespace}/${name}: lost 5 write races`);
}

/**
 * Sets the CRD's conversion caBundle to `caBundlePem` (base64) unless it already is.
 * @returns true when it patched, false when it was already right.
 * @throws client-node's ApiException (404 when the CRD is not installed).
 */
export async function injectCaBundle(client: WebhookKube, caBundlePem: string, crdName = CRD_NAME): Promise<boolean> {
  const want = Buffer.from(caBundlePem, 'utf8').toString('base64');
  const crd = await client.crds.readCustomResourceDefinition({ name: crdName });
  if (crd.spec.conversion?.webhook?.clientConfig?.caBundle === want) return false;
  await client.crds.patchCustomResourceDefinition({ name: crdName, body: { spec: { conversion: { webhook: { clientConfig: { caBundle: want } } } } } }, MERGE_PATCH);
  return true;
}

/** Handle returned by {@link startSelfManagedCertificates}. */
export interface SelfManagedCertificates {
  /** The bundle in use. */
  current(): CertificateBundle;
  /** Runs one check now (what the timer does); resolves with the bundle in use afterwards. */
  check(): Promise<CertificateBundle>;
  stop(): void;
}

/**
 * Ensures the certificate and the caBundle now, then re-checks every `checkIntervalMs` (and at the start
 * of the renewal window), calling `onRotate` whenever the Secret holds a different serving certificate
 * (renewed here or by another replica). A failed check is logged and retried at the next tick.
 * @throws when the first ensure fails (the webhook cannot serve without a certificate). A missing CRD is
 *   only logged: the injection is retried every 30 s until it succeeds.
 */
export async function startSelfManagedCertificates(
  o: SelfManagedOptions & { checkIntervalMs?: number; onRotate(bundle: CertificateBundle): void },
): Promise<SelfManagedCertificates> {
  const now = o.now ?? (() => new Date());
  const policy = policyFor(o);
  const crdName = o.crdName ?? CRD_NAME;
  let current = (await ensureCertificate(o)).bundle;
  let injected = false;
  const inject = async (): Promise<void> => {
    try {
      const patched = await injectCaBundle(o.client, current.caBundlePem, crdName);
      injected = true;
      if (patched) o.logger.info('caBundle injected into the CRD', { crd: crdName });
    } catch (err) {
      injected = false;
      o.logger.warn('cannot inject the caBundle into the CRD; will retry', { crd: crdName, error: errorText(err) });
    }
  };
  await inject();

  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const check = async (): Promise<CertificateBundle> => {
    const { bundle, action } = await ensureCertificate(o);
    if (bundle.certPem !== current.certPem || bundle.caBundlePem !== current.caBundlePem) {
      const caChanged = bundle.caBundlePem !== current.caBundlePem;
      current = bundle;
      o.logger.info('webhook certificate rotated', { action, notAfter: bundle.notAfter.toISOString() });
      o.onRotate(bundle);
      if (caChanged) injected = false;
    }
    if (!injected) await inject();
    return current;
  };
  const schedule = (): void => {
    if (stopped) return;
    const untilRenewal = current.notAfter.getTime() - policy.renewBeforeMs - now().getTime();
    const interval = o.checkIntervalMs ?? DEFAULT_CHECK_INTERVAL_MS;
    // Until the caBundle is in the CRD (e.g. the CRD was not installed yet), retry sooner.
    const wanted = injected ? interval : Math.min(interval, INJECT_RETRY_MS);
    // setTimeout holds at most 2^31-1 ms.
    const delay = Math.max(1000, Math.min(wanted, untilRenewal, 2_147_483_647));
    timer = setTimeout(() => {
      check().catch((err: unknown) => o.logger.warn('certificate check failed; will retry', { error: errorText(err) })).finally(schedule);
    }, delay);
    timer.unref();
  };
  schedule();
  return {
    current: () => current,
    check,
    stop(): void {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
