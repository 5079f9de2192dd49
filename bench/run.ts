/**
 * `npm run bench`: the sandbox, webhook and operator benchmarks, one after the other, each printing
 * its own table. Figures only, never pass/fail; the exit code is 1 only when a benchmark crashed.
 *
 * `npm run bench -- --compare <ref>` also runs the operator benchmark against the operator built
 * from git ref <ref> and prints a ratio row (this tree / ref) under each figure (bench/operator.ts
 * lists its environment knobs: OPERATOR_BENCH_SIZES, OPERATOR_BENCH_SCALE, ...).
 */
import { benchSandbox } from './sandbox.ts';
import { benchWebhook } from './webhook.ts';
import { benchArgs } from './args.ts';
import { benchOperator } from './operator.ts';

const options = benchArgs(process.argv.slice(2));
const parts: { name: string; run: () => Promise<void> }[] = [
  { name: 'sandbox', run: benchSandbox },
  { name: 'webhook', run: benchWebhook },
  { name: 'operator', run: () => benchOperator(options) },
];

let failed = 0;
for (const { name, run } of parts) {
  const started = performance.now();
  try {
    await run();
    console.log(`(bench ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    failed += 1;
    console.error(`bench ${name} failed:`, error);
  }
}
process.exit(failed === 0 ? 0 : 1);
