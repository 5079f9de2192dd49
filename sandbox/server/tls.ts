/**
 * Serving certificate: a generated CA and a leaf for 127.0.0.1/localhost signed by it (EC P-256, selfsigned 5).
 */
import { generate } from 'selfsigned';

/** PEM material for the HTTPS server and the kubeconfig. */
export interface ServingCert {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** Generates a CA and a serving certificate valid for one year (127.0.0.1, ::1, localhost and `dnsNames`). */
export async function generateServingCert(dnsNames: string[] = []): Promise<ServingCert> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 365 * 86400_000);
  const ca = await generate([{ name: 'commonName', value: 'sandbox-ca' }], {
    keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notBeforeDate, notAfterDate,
    extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }],
  });
  const leaf = await generate([{ name: 'commonName', value: 'kube-apiserver' }], {
    keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notBeforeDate, notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }, { type: 7, ip: '::1' }, ...dnsNames.map((value) => ({ type: 2 as const, value }))] },
    ],
  });
  return { caPem: ca.cert, certPem: leaf.cert, keyPem: leaf.private };
}
