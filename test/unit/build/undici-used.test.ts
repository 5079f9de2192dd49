/**
 * scripts/build.ts serves client-node's `import ... from 'undici'` from undici's own modules
 * (UNDICI_USED). esbuild cannot check the imported names against a CommonJS module, so a name
 * client-node starts importing, or a module undici moves, would only show as `undefined` at run
 * time: this test fails first.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { UNDICI_USED } from '../../../scripts/build.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const CLIENT_NODE = join(ROOT, 'node_modules', '@kubernetes', 'client-node', 'dist');
const require = createRequire(join(ROOT, 'package.json'));

/** The names client-node's modules import from 'undici'. */
function importedFromUndici(): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(CLIENT_NODE, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.js')) continue;
    const text = readFileSync(join(CLIENT_NODE, file), 'utf8');
    for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*['"]undici['"]/g)) {
      for (const part of (m[1] as string).split(',')) {
        const name = part.trim().split(/\s+as\s+/)[0];
        if (name !== undefined && name !== '') names.add(name);
      }
    }
    // Any other form (a namespace or default import) would bypass the names below.
    expect(text).not.toMatch(/import\s+(\*|[A-Za-z_$][\w$]*)\s*(as\s+\w+\s*)?(,\s*\{[^}]*\}\s*)?from\s*['"]undici['"]/);
  }
  return names;
}

describe('undici as the bundle sees it (scripts/build.ts UNDICI_USED)', () => {
  test('serves every name client-node imports from undici', () => {
    const names = importedFromUndici();
    expect(names.size).toBeGreaterThan(0);
    for (const name of names) expect(Object.keys(UNDICI_USED)).toContain(name);
  });

  test('each name is what undici itself exports under it', () => {
    const undici = require('undici') as Record<string, unknown>;
    for (const [name, { module, property }] of Object.entries(UNDICI_USED)) {
      const loaded = require(module) as Record<string, unknown>;
      const value = property === undefined ? loaded : loaded[property];
      expect(typeof value).toBe('function');
      // undici's entry wraps fetch (for its stack traces); the classes are the same objects.
      if (name === 'fetch') expect((value as { name: string }).name).toBe('fetch');
      else expect(value).toBe(undici[name]);
    }
  });
});
