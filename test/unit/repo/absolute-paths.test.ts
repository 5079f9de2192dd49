/**
 * The repository stands on its own: no tracked file names a path that only exists on some machine
 * (a workspace, a home directory, a mktemp directory). Paths inside the container image
 * (/var/run/secrets/..., /app, /tmp as HOME) and example paths a reader chooses
 * (`--kubeconfig-out /tmp/sandbox.kubeconfig`) are fine.
 */
import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** Paths of one machine: `[pattern, what it is]`. Written with escaped slashes so this file does not match itself. */
const MACHINE_PATHS: [RegExp, string][] = [
  [/(?<![\w.])\/work\/[\w.-]+/g, 'a workspace directory'],
  [/(?<![\w.])\/root\/[\w.-]+/g, "root's home directory"],
  [/(?<![\w.])\/home\/[\w.-]+/g, 'a home directory'],
  [/(?<![\w.])\/Users\/[\w.-]+/g, 'a macOS home directory'],
  [/\b[A-Za-z]:\\Users\\[\w.-]+/g, 'a Windows home directory'],
  [/(?<![\w.])\/var\/folders\/[\w.-]+/g, 'a macOS temporary directory'],
  [/(?<![\w.])\/mnt\/[a-z]\/[\w.-]+/g, 'a mounted drive (WSL)'],
  // mktemp-style names (tmp.Ab3xYz9Q, jest-FMCsrw) and this machine's job and prompt directories.
  [/(?<![\w.])\/tmp\/(?:tmp\.[A-Za-z0-9]{6,}|[\w-]+-(?=[A-Za-z0-9]*[A-Z0-9])[A-Za-z0-9]{6}\b|bash_jobs|prompts\b)[\w./-]*/g, 'a temporary directory of one run'],
];

/**
 * Occurrences that are test data, not a machine's path: `file` → the exact strings allowed there.
 * Keep this short; each entry says why.
 */
const ALLOWED: Record<string, { text: string; why: string }[]> = {
  'test/unit/operator/kube/pure.test.ts': [{ text: ['', 'home', 'u'].join('/'), why: 'a made-up home directory handed to a pure function' }],
};

/** Every machine path in `text`, as `what: match`. */
function machinePaths(text: string, allowed: string[] = []): string[] {
  const found: string[] = [];
  for (const [pattern, what] of MACHINE_PATHS) {
    for (const m of text.matchAll(pattern)) {
      if (!allowed.some((a) => m[0] === a || m[0].startsWith(`${a}/`))) found.push(`${what}: ${m[0]}`);
    }
  }
  return found;
}

const p = (...parts: string[]): string => `/${parts.join('/')}`;

describe('machine paths', () => {
  test('the checker finds the paths of one machine', () => {
    expect(machinePaths(`const FIXTURES = '${p('work', 'shared', 'fixtures', 'kube-apiserver-v1.28')}';`)).toEqual([`a workspace directory: ${p('work', 'shared')}`]);
    expect(machinePaths(`see ${p('home', 'alice', 'src', 'x')}`)).toHaveLength(1);
    expect(machinePaths(`cat ${p('root', '.kube', 'config')}`)).toHaveLength(1);
    expect(machinePaths(`at ${p('Users', 'bob', 'p')}`)).toHaveLength(1);
    expect(machinePaths(`in ${p('tmp', 'tmp.Qx3kT9aBcd', 'p')}`)).toHaveLength(1);
    expect(machinePaths(`written to ${p('tmp', 'jest-FMCsrw', 'result.json')}`)).toHaveLength(1);
    expect(machinePaths(`read ${p('tmp', 'prompts', 'brief.md')}`)).toHaveLength(1);
  });

  test('the checker leaves in-container and example paths alone', () => {
    const fine = [
      p('var', 'run', 'secrets', 'kubernetes.io', 'serviceaccount', 'token'),
      'WORKDIR /app',
      'ENV HOME=/tmp',
      `--kubeconfig-out ${p('tmp', 'sandbox.kubeconfig')}`,
      `kubectl --kubeconfig ${p('tmp', 'chaos-monkey-demo', 'kubeconfig')} get pods`,
      'charts/chaos-monkey/templates/work/x.yaml',
      '../shared/tools',
      'https://example.com/work/root/home/x',
    ];
    for (const line of fine) expect(machinePaths(line)).toEqual([]);
    expect(machinePaths(`homeDir: '${p('home', 'u')}'`, [p('home', 'u')])).toEqual([]);
  });

  test('no tracked file names a path of one machine', () => {
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter((f) => f !== '' && f !== 'package-lock.json');
    expect(files.length).toBeGreaterThan(50);
    const offenders: string[] = [];
    for (const file of files) {
      const path = join(ROOT, file);
      if (!existsSync(path) || !statSync(path).isFile()) continue; // deleted in the work tree, or a submodule
      const allowed = (ALLOWED[file] ?? []).map((a) => a.text);
      readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
        for (const hit of machinePaths(line, allowed)) offenders.push(`${file}:${i + 1}: ${hit}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});
