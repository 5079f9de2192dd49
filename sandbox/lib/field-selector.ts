/**
 * Kubernetes field selectors (`?fieldSelector=`, k8s.io/apimachinery/pkg/fields): terms `field=value`,
 * `field==value`, `field!=value` separated by `,`; `\,`, `\=` and `\\` escape those characters in values.
 * Which field names a resource supports is the caller's decision (see {@link fieldLabelNotSupportedMessage}).
 */
import { SelectorError } from './selector-error.ts';

export { SelectorError };

/** One ANDed term. `=` and `==` both mean equality. */
export interface FieldRequirement {
  field: string;
  operator: '=' | '==' | '!=';
  value: string;
}

/** Splits on commas that are not escaped by a backslash. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

const OPERATORS = ['!=', '==', '='] as const;

function splitTerm(term: string): [string, FieldRequirement['operator'], string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of OPERATORS) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

function unescapeValue(value: string): string {
  if (!value.includes('\\') && !value.includes(',') && !value.includes('=')) return value;
  let out = '';
  let escaped = false;
  for (const c of value) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new SelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === ',' || c === '=') {
      throw new SelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0) ?? 0}`);
    } else {
      out += c;
    }
  }
  if (escaped) throw new SelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/**
 * Parses a field selector. Empty terms are ignored, so `''` selects everything. Terms come back sorted by their text
 * (as kube sorts them).
 * @throws SelectorError e.g. `invalid selector: 'abc'; can't understand 'abc'`.
 */
export function parseFieldSelector(text: string): FieldRequirement[] {
  const reqs: FieldRequirement[] = [];
  const parts = splitTerms(text).sort();
  for (const part of parts) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (split === undefined) throw new SelectorError(`invalid selector: '${text}'; can't understand '${part}'`);
    const [field, operator, raw] = split;
    reqs.push({ field, operator, value: unescapeValue(raw) });
  }
  return reqs;
}

/**
 * Reads the dotted path from an object and renders it as kube's field set does: strings as is, numbers and
 * booleans printed, anything missing or null as `''`.
 */
export function fieldValue(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  if (typeof cur === 'string') return cur;
  if (typeof cur === 'number' || typeof cur === 'boolean') return String(cur);
  return '';
}

/** True when the object satisfies every term (`field=v` equality, `field!=v` inequality; missing fields read as `''`). */
export function matchesFields(reqs: FieldRequirement[], obj: unknown): boolean {
  return reqs.every((r) => (r.operator === '!=' ? fieldValue(obj, r.field) !== r.value : fieldValue(obj, r.field) === r.value));
}

/** The 400 message kube-apiserver gives for a field it cannot select on: `field label not supported: <field>`. */
export function fieldLabelNotSupportedMessage(field: string): string {
  return `field label not supported: ${field}`;
}

/** Prints terms back as a selector string, escaping `\`, `,` and `=` in values. */
export function formatFieldSelector(reqs: FieldRequirement[]): string {
  return reqs.map((r) => `${r.field}${r.operator}${r.value.replace(/[\\,=]/g, (c) => `\\${c}`)}`).join(',');
}
