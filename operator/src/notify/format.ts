/**
 * Pure formatting of a {@link NotifyEvent}: a generic JSON document (any webhook receiver, e.g. a
 * Microsoft Teams workflow) or a Slack incoming-webhook payload (`{text, blocks}`).
 */
import type { NotifyEvent, NotifyEventKind } from '../ports.ts';

/** Payload shape sent to the receiver (CHAOSMONKEY_NOTIFY_FORMAT). */
export type NotifyFormat = 'json' | 'slack';

/** Version of the JSON document below; bumped only on an incompatible change. */
export const JSON_PAYLOAD_VERSION = 1;

/** The generic JSON document. Absent facts are absent keys (never null). */
export interface JsonPayload {
  source: 'chaos-monkey';
  version: typeof JSON_PAYLOAD_VERSION;
  event: NotifyEventKind;
  /** RFC 3339 UTC time of the event. */
  time: string;
  /** One line for people (same text as Slack's `text`). */
  text: string;
  namespace?: string;
  cmc?: string;
  mode?: string;
  target?: string;
  reason: string;
  problem?: string;
  on?: boolean;
}

/** Slack incoming-webhook payload: `text` is the fallback (notifications), `blocks` the message. */
export interface SlackPayload {
  text: string;
  blocks: { type: 'section'; text: { type: 'mrkdwn'; text: string } }[];
}

const TITLE: Readonly<Record<NotifyEventKind, (e: NotifyEvent) => string>> = {
  action: () => 'chaos action',
  failure: () => 'chaos action FAILED',
  blocked: () => 'chaos slot skipped',
  pause: (e) => (e.on === false ? 'chaos resumed' : 'chaos paused'),
  window: (e) => (e.on === false ? 'excluded time window ended' : 'excluded time window started'),
};

function subject(e: NotifyEvent): string {
  if (e.cmc === undefined) return '';
  return ` ${e.namespace ?? ''}/${e.cmc}`;
}

/** One human line: "chaos action FAILED ns/cmc (killPod web-1): reason [problem]". */
export function summary(e: NotifyEvent): string {
  const what = [e.mode, e.target].filter((x) => x !== undefined && x !== '').join(' ');
  const problem = e.problem !== undefined ? ` [${e.problem}]` : '';
  return `${TITLE[e.kind](e)}${subject(e)}${what === '' ? '' : ` (${what})`}: ${e.reason}${problem}`;
}

/** The generic JSON document of `e`. */
export function toJsonPayload(e: NotifyEvent): JsonPayload {
  const p: JsonPayload = { source: 'chaos-monkey', version: JSON_PAYLOAD_VERSION, event: e.kind, time: new Date(e.at).toISOString(), text: summary(e), reason: e.reason };
  if (e.namespace !== undefined) p.namespace = e.namespace;
  if (e.cmc !== undefined) p.cmc = e.cmc;
  if (e.mode !== undefined) p.mode = e.mode;
  if (e.target !== undefined) p.target = e.target;
  if (e.problem !== undefined) p.problem = e.problem;
  if (e.on !== undefined) p.on = e.on;
  return p;
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The Slack incoming-webhook payload of `e`. */
export function toSlackPayload(e: NotifyEvent): SlackPayload {
  const text = slackEscape(summary(e));
  const lines = [`*${slackEscape(TITLE[e.kind](e))}*${e.cmc === undefined ? '' : ` \`${slackEscape(`${e.namespace ?? ''}/${e.cmc}`)}\``}`];
  if (e.mode !== undefined || e.target !== undefined) lines.push(`${slackEscape(e.mode ?? '')}${e.target !== undefined ? ` → \`${slackEscape(e.target)}\`` : ''}`);
  lines.push(`${slackEscape(e.reason)}${e.problem !== undefined ? ` (${slackEscape(e.problem)})` : ''}`);
  lines.push(`_${new Date(e.at).toISOString()}_`);
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } }] };
}

/** The request body for `e` in `format`. */
export function formatEvent(e: NotifyEvent, format: NotifyFormat): string {
  return JSON.stringify(format === 'slack' ? toSlackPayload(e) : toJsonPayload(e));
}
