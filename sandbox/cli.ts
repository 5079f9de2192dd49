/**
 * `npm run sandbox -- --port 6443 [--tls|--no-tls] [--kubeconfig-out FILE] [--crd FILE ...]`
 * Starts the sandbox standalone, writes a kubeconfig, logs the URL, stops cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startSandboxServer } from './server/sandbox.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '6443' },
    tls: { type: 'boolean', default: true },
    'no-tls': { type: 'boolean', default: false },
    'kubeconfig-out': { type: 'string' },
    crd: { type: 'string', multiple: true, default: [] },
    'no-validation': { type: 'boolean', default: false },
    'no-deployment-controller': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  allowPositionals: false,
});

if (values.help) {
  process.stdout.write('usage: npm run sandbox -- [--port 6443] [--tls|--no-tls] [--kubeconfig-out FILE] [--crd FILE ...] [--no-validation] [--no-deployment-controller]\n');
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`invalid --port ${values.port}\n`);
  process.exit(2);
}

const sandbox = await startSandboxServer({
  port,
  tls: values.tls && !values['no-tls'],
  crdFiles: values.crd,
  validation: !values['no-validation'],
  deploymentController: !values['no-deployment-controller'],
});
const out = values['kubeconfig-out'];
if (out) await sandbox.writeKubeconfig(out);
process.stdout.write(`sandbox listening on ${sandbox.url}${out ? ` (kubeconfig written to ${out}: kubectl --kubeconfig ${out} get pods -A)` : ''}\n`);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`sandbox: ${signal}, stopping\n`);
  void sandbox.shutdown().then(() => process.exit(0));
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
