/**
 * README.md documents every environment variable the operator reads and every metric it registers
 * (style.md convention 11), and shows the two set-up commands.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { ENV_VARIABLES } from '../../../operator/src/config/env.ts';
import { OWN_METRIC_NAMES, SEED_METRIC_NAMES } from '../../../operator/src/metrics/registry.ts';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

/** Metric names written in the first cell of a README table row. */
function documentedMetrics(text: string): Set<string> {
  const rows = text.split('\n').filter((line) => line.startsWith('| `chaos_monkey_'));
  return new Set(rows.map((row) => /^\| `([a-z_]+)`/.exec(row)?.[1] ?? ''));
}

describe('README.md', () => {
  test('shows the two set-up commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
  });

  test.each(ENV_VARIABLES.map((v) => [v.name, v.defaultValue]))('documents %s', (name) => {
    expect(readme).toMatch(new RegExp(`\\| \`${name}\` \\|`));
  });

  test('documents each of the seed\'s 25 metric names and ours in a table row', () => {
    const documented = documentedMetrics(readme);
    expect(SEED_METRIC_NAMES).toHaveLength(25);
    const missing = [...SEED_METRIC_NAMES, ...OWN_METRIC_NAMES].filter((n) => !documented.has(n));
    expect(missing).toEqual([]);
  });
});
