/**
 * values.yaml is documented key by key, and the values table in the docs (docs/chart.md, or README.md
 * once the table moves there) is exactly the one generated from it, defaults included.
 */
import { describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './support/render.ts';
import { VALUES_FILE, extractTable, parseValuesDoc, valuesTable } from './support/values-doc.ts';

const values = readFileSync(VALUES_FILE, 'utf8');
const docFiles = ['README.md', 'docs/chart.md'].map((f) => join(REPO_ROOT, f)).filter((f) => existsSync(f));

describe('values.yaml documentation', () => {
  test('every key has a "# --" description', () => {
    const docs = parseValuesDoc(values);
    expect(docs.length).toBeGreaterThan(40);
    expect(docs.filter((d) => d.description === undefined || d.description === '').map((d) => d.key)).toEqual([]);
  });

  test('the parser sees nested keys, multi-line comments and leaves', () => {
    const docs = parseValuesDoc(['# header, not a key doc', '', '# -- A map.', 'a:', '  # -- First line', '  # second line.', '  b: 1', '  # -- Empty.', '  c: {}', '# -- List.', 'd:', '  - 1', ''].join('\n'));
    expect(docs).toEqual([
      { key: 'a', description: 'A map.', value: { b: 1, c: {} }, leaf: false },
      { key: 'a.b', description: 'First line second line.', value: 1, leaf: true },
      { key: 'a.c', description: 'Empty.', value: {}, leaf: true },
      { key: 'd', description: 'List.', value: [1], leaf: true },
    ]);
  });

  test('a documentation file holds the generated values table, in sync with values.yaml', () => {
    const tables = docFiles.map((f) => extractTable(readFileSync(f, 'utf8'))).filter((t) => t !== undefined);
    expect(tables.length).toBeGreaterThanOrEqual(1);
    // Regenerate with: npx node test/unit/chart/support/values-doc.ts --write docs/chart.md
    for (const t of tables) expect(t).toBe(valuesTable(values));
  });

  test('the table lists every leaf once, with its default', () => {
    const table = valuesTable(values);
    expect(table).toContain('| `operator.timeouts.pod` | string | `"48h"` |');
    expect(table).toContain('| `replicas` | integer | `2` |');
    expect(table).toContain('| `networkPolicy.apiServerPorts` | list | `[443,6443]` |');
    const leaves = parseValuesDoc(values).filter((d) => d.leaf).map((d) => d.key);
    expect(new Set(leaves).size).toBe(leaves.length);
    for (const k of leaves) expect(table).toContain(`| \`${k}\` |`);
  });
});
