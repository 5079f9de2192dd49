/**
 * Alertmanager label matchers (issue 11 point 5, `CHAOSMONKEY_STOP_ON_ALERTS`): parse and evaluate
 * the syntax amtool and Alertmanager's `filter=` accept, e.g. `severity="critical"` or
 * `{alertname=~"Node.*", env!="dev"}`. Pure. No kept npm library parses this syntax, so it is ours.
 *
 * Grammar: an optional pair of braces around comma-separated matchers `name op value`; `op` is one
 * of `=`, `!=`, `=~`, `!~`; `value` is double-quoted (escapes `\"`, `\\`, `\n`) or a bare word
 * (no comma, brace or quote). Regexes are anchored at both ends, as in Alertmanager. An empty list
 * is an error (it would match every alert).
 */

/** Operator of one matcher. */
export type MatchOp = '=' | '!=' | '=~' | '!~';

/** One parsed matcher. */
export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
  /** The anchored regex for `=~` / `!~`. */
  regex?: RegExp;
}

/** Result of {@link parseMatchers}. */
export type ParsedMatchers = { ok: true; matchers: Matcher[] } | { ok: false; error: string };

const NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** Parses a matcher list; never throws. */
export function parseMatchers(text: string): ParsedMatchers {
  let s = text.trim();
  if (s.startsWith('{')) {
    if (!s.endsWith('}')) return { ok: false, error: 'missing closing "}"' };
    s = s.slice(1, -1).trim();
  } else if (s.endsWith('}')) {
    return { ok: false, error: 'missing opening "{"' };
  }
  const matchers: Matcher[] = [];
  let i = 0;
  const skipSpace = (): void => {
    while (i < s.length && /\s/.test(s[i] ?? '')) i += 1;
  };
  while (true) {
    skipSpace();
    if (i >= s.length) break;
    const name = NAME.exec(s.slice(i))?.[0];
    if (name === undefined) return { ok: false, error: `expected a label name at offset ${i}` };
    i += name.length;
    skipSpace();
    const two = s.slice(i, i + 2);
    let op: MatchOp;
    if (two === '!=' || two === '=~' || two === '!~') op = two;
    else if (s[i] === '=') op = '=';
    else return { ok: false, error: `expected =, !=, =~ or !~ after ${JSON.stringify(name)}` };
    i += op.length;
    skipSpace();
    let value = '';
    if (s[i] === '"') {
      i += 1;
      let closed = false;
      while (i < s.length) {
        const c = s[i];
        if (c === '\\') {
          const next = s[i + 1];
          if (next === undefined) break;
          value += next === 'n' ? '\n' : next;
          i += 2;
        } else if (c === '"') {
          closed = true;
          i += 1;
          break;
        } else {
          value += c;
          i += 1;
        }
      }
      if (!closed) return { ok: false, error: `unterminated quoted value for ${JSON.stringify(name)}` };
    } else {
      const start = i;
      while (i < s.length && !/[,{}"]/.test(s[i] ?? '')) i += 1;
      value = s.slice(start, i).trim();
    }
    const matcher: Matcher = { name, op, value };
    if (op === '=~' || op === '!~') {
      try {
        matcher.regex = new RegExp(`^(?:${value})$`, 'u');
      } catch (error) {
        return { ok: false, error: `bad regex for ${JSON.stringify(name)}: ${error instanceof Error ? error.message : String(error)}` };
      }
    }
    matchers.push(matcher);
    skipSpace();
    if (i >= s.length) break;
    if (s[i] !== ',') return { ok: false, error: `expected "," at offset ${i}` };
    i += 1;
  }
  if (matchers.length === 0) return { ok: false, error: 'no matcher (an empty list would match every alert)' };
  return { ok: true, matchers };
}

/** True when the labels satisfy every matcher (a missing label counts as the empty string). */
export function matchesAll(matchers: readonly Matcher[], labels: Readonly<Record<string, string>>): boolean {
  return matchers.every((m) => {
    const v = labels[m.name] ?? '';
    switch (m.op) {
      case '=':
        return v === m.value;
      case '!=':
        return v !== m.value;
      case '=~':
        return m.regex?.test(v) ?? false;
      case '!~':
        return !(m.regex?.test(v) ?? false);
    }
  });
}

/** Canonical text of a matcher list (`{a="b",c=~"d"}`), e.g. for the `filter=` query or logs. */
export function formatMatchers(matchers: readonly Matcher[]): string {
  return `{${matchers.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(',')}}`;
}
