/**
 * Flags of `npm run bench` / `node bench/operator.ts`: `--compare <ref>` (bench/compare.ts) is the
 * only one; anything else is an error rather than silently ignored.
 */
import { parseArgs } from 'node:util';

/** The parsed flags. */
export interface BenchArgs {
  /** A git ref (tag, branch, commit, `HEAD~5`) whose operator is measured next to ours. */
  compare?: string;
}

/** Parses the command-line arguments after the script name; throws on an unknown flag or a missing ref. */
export function benchArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({ args: [...argv], options: { compare: { type: 'string' } }, strict: true, allowPositionals: false });
  if (values.compare === '') throw new Error('--compare needs a git ref, e.g. --compare v0.1.0 or --compare HEAD~5');
  return values.compare === undefined ? {} : { compare: values.compare };
}
