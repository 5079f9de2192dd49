/**
 * The values table of the chart's documentation, generated from values.yaml: every key carries a
 * `# -- description` comment (continued by further `#` lines), and each leaf key becomes one table
 * row with its type and default. docs/chart.md (and README.md once the table moves there) hold the
 * table between the markers below; test/unit/chart/values-docs.test.ts keeps them in sync.
 *
 * Regenerate: `npx node test/unit/chart/support/values-doc.ts --write docs/chart.md`
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';

/** Start and end markers of the generated table in a Markdown file. */
export const TABLE_START = '<!-- values-table:start (generated from charts/chaos-monkey/values.yaml by test/unit/chart/support/values-doc.ts) -->';
export const TABLE_END = '<!-- values-table:end -->';

/** One key of values.yaml with its documentation. */
export interface ValueDoc {
  /** Dotted path, e.g. `operator.timeouts.pod`. */
  key: string;
  /** Text of its `# --` comment, lines joined by a space; undefined when the key has none. */
  description: string | undefined;
  /** Parsed default value. */
  value: unknown;
  /** True for scalars, lists and empty maps (the rows of the table). */
  leaf: boolean;
}

function lookup(root: unknown, path: string[]): unknown {
  let cur = root;
  for (const p of path) cur = (cur as Record<string, unknown>)[p];
  return cur;
}

/**
 * Every key of a values.yaml text in file order. Expects two-space indentation and block maps
 * (the chart's style); list items are values, not keys.
 */
export function parseValuesDoc(text: string): ValueDoc[] {
  const data = load(text);
  const out: ValueDoc[] = [];
  const stack: { indent: number; key: string }[] = [];
  let pending: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    const comment = /^\s*#\s?(.*)$/.exec(line);
    if (comment !== null) {
      const body = comment[1] ?? '';
      if (body.startsWith('-- ')) pending = [body.slice(3).trim()];
      else if (pending !== undefined) pending.push(body.trim());
      continue;
    }
    const key = /^(\s*)([A-Za-z_][A-Za-z0-9_]*):(\s.*)?$/.exec(line);
    if (key === null) {
      if (line.trim() === '') pending = undefined;
      continue;
    }
    const indent = (key[1] ?? '').length;
    while (stack.length > 0 && (stack.at(-1) as { indent: number }).indent >= indent) stack.pop();
    stack.push({ indent, key: key[2] as string });
    const path = stack.map((s) => s.key);
    const value = lookup(data, path);
    const leaf = value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length === 0;
    out.push({ key: path.join('.'), description: pending?.join(' '), value, leaf });
    pending = undefined;
  }
  return out;
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** The Markdown table (with its markers) for a values.yaml text. */
export function valuesTable(text: string): string {
  const rows = parseValuesDoc(text).filter((d) => d.leaf);
  const lines = [
    TABLE_START,
    '| Key | Type | Default | Description |',
    '|---|---|---|---|',
    ...rows.map((d) => `| \`${d.key}\` | ${typeOf(d.value)} | \`${cell(JSON.stringify(d.value))}\` | ${cell(d.description ?? '')} |`),
    TABLE_END,
  ];
  return lines.join('\n');
}

/** The generated table found in a Markdown text (markers included), or undefined. */
export function extractTable(markdown: string): string | undefined {
  const start = markdown.indexOf(TABLE_START);
  const end = markdown.indexOf(TABLE_END);
  if (start < 0 || end < start) return undefined;
  return markdown.slice(start, end + TABLE_END.length);
}

/** Path of the chart's values.yaml. */
export const VALUES_FILE = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../charts/chaos-monkey/values.yaml');

// CLI: --write FILE replaces the table between the markers of FILE (relative to the repository root).
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--write');
  const table = valuesTable(readFileSync(VALUES_FILE, 'utf8'));
  if (i < 0) {
    process.stdout.write(`${table}\n`);
  } else {
    const file = join(resolve(VALUES_FILE, '../../..'), process.argv[i + 1] ?? 'docs/chart.md');
    const md = readFileSync(file, 'utf8');
    const old = extractTable(md);
    if (old === undefined) throw new Error(`${file} has no values-table markers`);
    writeFileSync(file, md.replace(old, table));
  }
}
