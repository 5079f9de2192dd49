/**
 * `npm run bench`: runs every benchmark present (sandbox, webhook, operator), one after the other,
 * each printing its own table. Figures only, never pass/fail. Each module is imported only if its
 * file exists, so a missing part does not stop the others.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

const parts: { file: string; entry: string }[] = [
  { file: 'sandbox.ts', entry: 'benchSandbox' },
  { file: 'webhook.ts', entry: 'benchWebhook' },
  { file: 'operator.ts', entry: 'benchOperator' },
];

let failed = 0;
for (const { file, entry } of parts) {
  const path = join(here, file);
  if (!existsSync(path)) {
    console.log(`(bench/${file} not present: skipped)`);
    continue;
  }
  const mod = (await import(path)) as Record<string, unknown>;
  const run = mod[entry];
  if (typeof run !== 'function') {
    console.log(`(bench/${file} exports no ${entry}: skipped)`);
    continue;
  }
  const started = performance.now();
  try {
    await (run as () => Promise<void>)();
    console.log(`(bench/${file}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    failed += 1;
    console.error(`bench/${file} failed:`, error);
  }
}
process.exit(failed === 0 ? 0 : 1);
