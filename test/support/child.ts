/**
 * A child process started by a test, with its output collected: each stdout line parsed as JSON
 * (the operator's log format) or kept as `{ raw }`, stderr chunks as `{ stderr }`.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A running child, its collected lines and its exit code once it exits. */
export interface Child {
  proc: ChildProcess;
  lines: Record<string, unknown>[];
  exited: Promise<number | null>;
}

/** Spawns `node <args>` (this test run's Node) with stdout and stderr collected into `lines`. */
export function spawnNode(args: string[], options: Omit<SpawnOptions, 'stdio'>): Child {
  const proc = spawn(process.execPath, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      lines.push({ raw: line });
    }
  });
  proc.stderr?.on('data', (d: Buffer) => lines.push({ stderr: d.toString() }));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, lines, exited };
}
