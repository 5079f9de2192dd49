/**
 * `npm run bench`: the sandbox, webhook and operator benchmarks, one after the other, each printing
 * its own table. Figures only, never pass/fail; the exit code is 1 only when a benchmark crashed.
 */
import { benchSandbox } from './sandbox.ts';
import { benchWebhook } from './webhook.ts';
import { benchOperator } from './operator.ts';

const parts: { name: string; run: () => Promise<void> }[] = [
  { name: 'sandbox', run: benchSandbox },
  { name: 'webhook', run: benchWebhook },
  { name: 'operator', run: benchOperator },
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
