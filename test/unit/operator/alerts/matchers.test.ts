import { describe, expect, it } from '@jest/globals';
import { formatMatchers, matchesAll, parseMatchers } from '../../../../operator/src/alerts/matchers.ts';
import type { Matcher } from '../../../../operator/src/alerts/matchers.ts';

function parse(text: string): Matcher[] {
  const r = parseMatchers(text);
  if (!r.ok) throw new Error(r.error);
  return r.matchers;
}

describe('parseMatchers', () => {
  it('parses the four operators, with or without braces, quoted or bare', () => {
    const ms = parse('{severity="critical", team!=dev, alertname=~"Node.*",env!~"test|ci"}');
    expect(ms.map((m) => [m.name, m.op, m.value])).toEqual([
      ['severity', '=', 'critical'],
      ['team', '!=', 'dev'],
      ['alertname', '=~', 'Node.*'],
      ['env', '!~', 'test|ci'],
    ]);
    expect(parse('severity="critical"')).toHaveLength(1);
    expect(formatMatchers(ms)).toBe('{severity="critical",team!="dev",alertname=~"Node.*",env!~"test|ci"}');
  });

  it('unescapes quoted values, keeping commas and braces inside quotes', () => {
    expect(parse('a="x, {y} \\"z\\" \\\\"')[0]?.value).toBe('x, {y} "z" \\');
  });

  it.each([
    ['', 'no matcher'],
    ['{}', 'no matcher'],
    ['severity', 'expected =, !=, =~ or !~'],
    ['{a="b"', 'missing closing'],
    ['a="b"}', 'missing opening'],
    ['a="b', 'unterminated'],
    ['a=~"("', 'bad regex'],
    ['a="b" c="d"', 'expected ","'],
    ['1a="b"', 'expected a label name'],
  ])('rejects %j (%s) without throwing', (text, why) => {
    const r = parseMatchers(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(why);
  });
});

describe('matchesAll', () => {
  const ms = parse('severity="critical",alertname=~"Node.*",team!~"dev|ci"');
  it('needs every matcher; regexes are anchored; a missing label is the empty string', () => {
    expect(matchesAll(ms, { severity: 'critical', alertname: 'NodeDown' })).toBe(true);
    expect(matchesAll(ms, { severity: 'critical', alertname: 'NodeDown', team: 'ci' })).toBe(false);
    expect(matchesAll(ms, { severity: 'warning', alertname: 'NodeDown' })).toBe(false);
    expect(matchesAll(ms, { severity: 'critical', alertname: 'MyNodeDown' })).toBe(false); // anchored
    expect(matchesAll(parse('team=""'), {})).toBe(true);
    expect(matchesAll(parse('team!=""'), {})).toBe(false);
  });
});
