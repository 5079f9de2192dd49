/**
 * `npm run bench -- --compare <ref>`: the operator of another git ref, built the way that ref
 * builds it (its Dockerfile, bench/shipped.ts), in a temporary `git worktree` (detached). Its
 * node_modules is a hard-linked copy of ours (`cp -al`, seconds, no extra disk) when its
 * package-lock.json equals ours, else `npm ci` there. The worktree is removed afterwards.
 */
import { spawnSync } from 'node:child_process';
import type { SpawnSyncOptions } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { shippedOperator } from './shipped.ts';
import type { Shipped } from './shipped.ts';

/** A tree whose operator the bench runs. */
export interface Target {
  /** `this tree` or `<ref> (<short sha>)`. */
  label: string;
  root: string;
  shipped: Shipped;
}

function run(command: string, args: string[], options: SpawnSyncOptions): string {
  const r = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...options });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status ?? r.signal}`);
  return String(r.stdout).trim();
}

/** Runs the tree's build commands with its node_modules/.bin and our Node first on the PATH. */
export function buildTarget(target: Target): void {
  const path = [join(target.root, 'node_modules', '.bin'), dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);
  for (const command of target.shipped.build) {
    console.log(`operator bench: building ${target.label}: ${command}`);
    run('sh', ['-c', command], { cwd: target.root, env: { ...process.env, PATH: path }, stdio: ['ignore', 'inherit', 'inherit'] });
  }
}

/** Checks out `ref` into a temporary worktree with node_modules; `dispose` removes it. */
export async function checkoutRef(root: string, ref: string): Promise<{ target: Target; dispose: () => Promise<void> }> {
  const sha = run('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: root });
  const dir = await mkdtemp(join(tmpdir(), 'cm-bench-ref-'));
  const tree = join(dir, 'tree');
  // Interrupted (Ctrl-C), the worktree is removed all the same: it is registered in the shared .git.
  const removeNow = (): void => {
    spawnSync('git', ['worktree', 'remove', '--force', tree], { cwd: root, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
    spawnSync('git', ['worktree', 'prune'], { cwd: root, stdio: 'ignore' });
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    removeNow();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const dispose = async (): Promise<void> => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    removeNow();
  };
  try {
    run('git', ['worktree', 'add', '--detach', '--quiet', tree, sha], { cwd: root });
    const ours = readFileSync(join(root, 'package-lock.json'), 'utf8');
    const theirs = existsSync(join(tree, 'package-lock.json')) ? readFileSync(join(tree, 'package-lock.json'), 'utf8') : '';
    if (ours === theirs) {
      run('cp', ['-al', join(root, 'node_modules'), join(tree, 'node_modules')], { cwd: root });
    } else {
      console.log(`operator bench: ${ref} has another package-lock.json: npm ci in ${tree}`);
      run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: tree, stdio: ['ignore', 'inherit', 'inherit'] });
    }
    const target: Target = { label: `${ref} (${sha.slice(0, 10)})`, root: tree, shipped: shippedOperator(tree) };
    buildTarget(target);
    return { target, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
