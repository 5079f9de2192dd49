/** The one way tests run the real kubectl (`$KUBECTL`, else `kubectl` on PATH) against a sandbox. */
import { execFile } from 'node:child_process';

export const KUBECTL = process.env.KUBECTL ?? 'kubectl';

/** What one kubectl run printed and how it exited (-1: it could not run or timed out). */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** kubectl bound to one kubeconfig and cache dir. */
export interface Kubectl {
  /** Runs kubectl; never rejects (the exit code is in the result). */
  run(args: readonly string[], env?: Record<string, string>): Promise<Run>;
  /** Runs kubectl and returns stdout; a non-zero exit fails with kubectl's stderr. */
  ok(...args: string[]): Promise<string>;
}

export function kubectlFor(kubeconfigFile: () => string, cacheDir: () => string): Kubectl {
  const run = (args: readonly string[], env: Record<string, string> = {}): Promise<Run> =>
    new Promise((resolve) => {
      execFile(KUBECTL, ['--kubeconfig', kubeconfigFile(), '--cache-dir', cacheDir(), ...args], { timeout: 30_000, env: { ...process.env, KUBECONFIG: kubeconfigFile(), ...env } }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr: err && code === -1 ? `${stderr}${err.message}` : stderr });
      });
    });
  return {
    run,
    async ok(...args: string[]): Promise<string> {
      const r = await run(args);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
      return r.stdout;
    },
  };
}
