/**
 * Standalone entry point: `npm run webhook -- [--port 9443] [--cert FILE --key FILE]`.
 * Flags win over environment variables (see docs/webhook.md):
 *   CHAOSMONKEY_WEBHOOK_PORT, CHAOSMONKEY_WEBHOOK_CERT_FILE, CHAOSMONKEY_WEBHOOK_KEY_FILE,
 *   CHAOSMONKEY_WEBHOOK_CERT_MODE (files | self-managed; default: files when a cert is given),
 *   CHAOSMONKEY_WEBHOOK_NAMESPACE, CHAOSMONKEY_WEBHOOK_SERVICE, CHAOSMONKEY_WEBHOOK_SECRET,
 *   CHAOSMONKEY_WEBHOOK_LOGLEVEL.
 * Exits 0 after a graceful stop on SIGTERM/SIGINT, 1 when it cannot start.
 */
import { parseWebhookConfig } from './config.ts';
import { errorText } from './kube.ts';
import { createWebhookLogger } from './log.ts';
import { startWebhook } from './start.ts';

async function main(): Promise<void> {
  const parsed = parseWebhookConfig(process.argv.slice(2), process.env);
  if ('error' in parsed) {
    process.stderr.write(`chaos-monkey webhook: ${parsed.error}\n`);
    process.exit(1);
  }
  const logger = createWebhookLogger({ level: parsed.options.logLevel });
  for (const w of parsed.warnings) logger.warn(w);
  let webhook;
  try {
    webhook = await startWebhook({ ...parsed.options, logger });
  } catch (err) {
    logger.error('webhook cannot start', { error: errorText(err) });
    process.exit(1);
  }
  const stop = (signal: string): void => {
    logger.info('stopping', { signal });
    webhook.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

void main();
