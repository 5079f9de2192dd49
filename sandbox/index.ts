/**
 * The sandbox: an embedded Kubernetes API server (kube-apiserver v1.28 behaviour for the resources the project
 * uses) on 127.0.0.1, for tests, the demo and kubectl. See docs/sandbox.md.
 */
import { startSandboxServer } from './server/sandbox.ts';
import type { Sandbox, SandboxOptions } from './server/options.ts';

export type { Sandbox, SandboxOptions, SandboxIdentity, RecordedRequest, FailRule } from './server/options.ts';
export { SandboxServer } from './server/sandbox.ts';

/**
 * Starts a sandbox: creates the namespaces default/kube-system/kube-public/kube-node-lease, applies
 * `crdFiles`, and listens (HTTPS by default). Resolves once it accepts connections.
 */
export function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandboxServer(options);
}
