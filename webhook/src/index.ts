/** Public surface of the webhook for other parts of the project (the operator's demo mode). */
export { startWebhook, DEFAULT_WEBHOOK_PORT } from './start.ts';
export type { StartWebhookOptions, RunningWebhook } from './start.ts';
export type { KubeConnection } from './kube.ts';
