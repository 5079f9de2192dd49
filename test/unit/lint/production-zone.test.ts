/**
 * The image ships operator/src and webhook/src only: ESLint's zone (eslint.config.js,
 * import-x/no-restricted-paths) rejects an import of sandbox/ or demo/ from them, while demo/ may
 * import both; and their sources do not even name the embedded API server's folder.
 */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const ZONE_MESSAGE = 'Production code never imports the embedded API server or the demo';

/** Lints `source` as if it were the file `path` (not written to disk); returns the zone's messages and how many there were in all. */
function lint(path: string, source: string): { zone: string[]; all: number } {
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', '--stdin', '--stdin-filename', path], { cwd: ROOT, input: source, encoding: 'utf8' });
  const report = JSON.parse(result.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
  const messages = report[0]?.messages ?? [];
  return { zone: messages.filter((m) => m.ruleId === 'import-x/no-restricted-paths' && m.message.includes(ZONE_MESSAGE)).map((m) => m.message), all: messages.length };
}

describe('the production zone', () => {
  test.each([
    ['operator/src/kube/probe.ts', '../../../'],
    ['webhook/src/probe.ts', '../../'],
  ])('%s may import neither sandbox/ nor demo/', (path, up) => {
    const errors = lint(path, `import { startSandbox } from '${up}sandbox/index.ts';\nimport { startDemo } from '${up}demo/index.ts';\nexport const both = [startSandbox, startDemo];\n`).zone;
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain(`"${up}sandbox/index.ts"`);
    expect(errors[1]).toContain(`"${up}demo/index.ts"`);
  }, 60_000);

  test('demo/ may import the sandbox', () => {
    expect(lint('demo/probe.ts', "import { startSandbox } from '../sandbox/index.ts';\nexport const s = startSandbox;\n")).toEqual({ zone: [], all: 0 });
  }, 60_000);
});

describe('production sources', () => {
  const files = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));

  test('operator/src and webhook/src never name the sandbox (grep -ri sandbox finds nothing)', () => {
    const all = [...files('operator/src'), ...files('webhook/src')];
    expect(all.length).toBeGreaterThan(20);
    expect(all.filter((f) => /sandbox/i.test(readFileSync(f, 'utf8')))).toEqual([]);
  });
});
