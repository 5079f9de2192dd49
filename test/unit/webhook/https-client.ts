/** Test support: a tiny HTTPS client that reports status, headers, body and the server certificate. */
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { issueBundle } from '../../../webhook/src/certs.ts';
import type { CertificateBundle } from '../../../webhook/src/certs.ts';

export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** SHA-256 fingerprint of the certificate the server presented. */
  fingerprint: string;
}

/** Sends one request on a fresh connection (no keep-alive, so every call does a TLS handshake). */
export function httpsRequest(options: { port: number; ca: string; method?: string; path: string; body?: string | Buffer; headers?: Record<string, string>; agent?: https.Agent }): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port: options.port, method: options.method ?? 'GET', path: options.path, ca: options.ca, headers: options.headers, agent: options.agent ?? false, servername: 'localhost' },
      (res) => {
        const chunks: Buffer[] = [];
        const peer = (res.socket as TLSSocket).getPeerCertificate();
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), fingerprint: peer.fingerprint256 }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A CA + serving certificate for localhost / 127.0.0.1, valid for a day. */
export function localBundle(): Promise<CertificateBundle> {
  return issueBundle(undefined, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], renewBeforeMs: 0, servingValidityMs: 86_400_000, caValidityMs: 864_000_000 }, new Date());
}
