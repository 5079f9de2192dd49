import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { CelCompileError, CelDuration, CelEvalError, compileCel, jsonToCel } from '../../../../sandbox/crd/cel.ts';
import type { CelValue } from '../../../../sandbox/crd/cel.ts';

const run = (src: string, self: unknown = null): CelValue => compileCel(src).evaluate({ self: jsonToCel(self) });
const evalError = (src: string, self: unknown = null): string => {
  try {
    run(src, self);
  } catch (e) {
    expect(e).toBeInstanceOf(CelEvalError);
    return (e as Error).message;
  }
  throw new Error('no error');
};
const compileError = (src: string): string => {
  try {
    compileCel(src);
  } catch (e) {
    expect(e).toBeInstanceOf(CelCompileError);
    return (e as Error).message;
  }
  throw new Error('no error');
};

describe('rules of our CRD', () => {
  const DURATION_RE = "self.matches('^([0-9]+(\\\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$')";
  test.each([
    ['self.minReplicas <= self.maxReplicas', { minReplicas: 1, maxReplicas: 3 }, true],
    ['self.minReplicas <= self.maxReplicas', { minReplicas: 4, maxReplicas: 3 }, false],
    ['self >= 0', 0, true],
    ['self >= 0', -1, false],
    ["self != ''", 'x', true],
    ["self != ''", '', false],
    [DURATION_RE, '1h30m', true],
    [DURATION_RE, '1.5s', true],
    [DURATION_RE, '10µs', true],
    [DURATION_RE, '10 s', false],
    [DURATION_RE, '', false],
    ["duration(self) >= duration('1s')", '1s', true],
    ["duration(self) >= duration('1s')", '999ms', false],
    ["duration(self) >= duration('1s')", '1.5m', true],
  ])('%s with %j is %s', (src, self, expected) => {
    expect(run(src, self)).toBe(expected);
  });
});

describe('timeout rules of crds/chaosmonkeyconfigurations.yaml (copied verbatim)', () => {
  const GO_DURATION = "self.matches('^[-+]?(0|(([0-9]+([.][0-9]*)?|[.][0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$')";
  const AT_LEAST_1S = `!${GO_DURATION} || duration(self) >= duration('1s')`;
  test.each([
    ['30s', true, true],
    ['1h30m', true, true],
    ['.5m', true, true],
    ['500ms', true, false],
    ['0', true, false],
    ['-1s', true, false],
    ['10μs', true, false],
    ['abc', false, true],
  ])('%s: format %s, at least 1s %s', (value, format, atLeast) => {
    expect(run(GO_DURATION, value)).toBe(format);
    expect(run(AT_LEAST_1S, value)).toBe(atLeast);
  });
});

describe('language', () => {
  test.each([
    ['1 + 2 * 3 - 4 / 2 % 3', 5n],
    ['-7 / 2', -3n],
    ['-7 % 3', -1n],
    ['1.5 * 2.0', 3],
    ["'a' + \"b\" + '''c'''", 'abc'],
    ["r'\\d' == '\\\\d'", true],
    ["'\\x41\\u00e9\\101'", 'Aé' + 'A'],
    ['[1, 2] + [3]', [1n, 2n, 3n]],
    ['2 in [1, 2]', true],
    ["'k' in self", true],
    ['1 == 1.0 && 2 > 1.5 && 1 < 2.5', true],
    ['true ? 1 : 2', 1n],
    ['false || !false', true],
    ['has(self.k) && !has(self.z)', true],
    ['self.k[1]', 'b'],
    ["self['k'][0]", 'a'],
    ['size(self) == 1 && self.k.size() == 2', true],
    ["size('héllo')", 5n],
    ["'Hello'.startsWith('He') && 'Hello'.endsWith('lo') && 'Hello'.contains('ell')", true],
    ["'(?i)HELLO'.size() == 9 && 'HeLLo'.matches('(?i)^hello$')", true],
    ["int('42') + int(3.9) == 45", true],
    ["string(12) + string(true) + string(1.5)", '12true1.5'],
    ["string(duration('1h1m')) == '3660s' && string(duration('1.5s')) == '1.5s'", true],
    ["duration('90m').getHours() == 1 && duration('90m').getMinutes() == 90", true],
    ["duration('1s') + duration('500ms') == duration('1500ms')", true],
    ['self.k.all(x, x.size() == 1) && self.k.exists(x, x == "b") && self.k.exists_one(x, x == "a")', true],
    ["self.k.map(x, x + '!') == ['a!', 'b!'] && self.k.filter(x, x != 'a') == ['b']", true],
    ['false && self.missing', false],
    ['self.missing || true', true],
    ['null == null', true],
    ["'ABc'.lowerAscii() + 'x'.upperAscii() + ' t '.trim()", 'abcXt'],
  ])('%s', (src, expected) => {
    expect(run(src, { k: ['a', 'b'] })).toEqual(expected);
  });

  test('runtime errors have cel-go wording', () => {
    expect(evalError('self.x', {})).toBe('no such key: x');
    expect(evalError('1 / 0')).toBe('division by zero');
    expect(evalError('1 % 0')).toBe('modulus by zero');
    expect(evalError('9223372036854775807 + 1')).toBe('integer overflow');
    expect(evalError("1 + 'a'")).toBe('no such overload: _+_(int, string)');
    expect(evalError('self[5]', [1])).toBe('index out of bounds: 5');
    expect(evalError('duration(self)', '5 minutes')).toBe('invalid duration: time: unknown unit " minutes" in duration "5 minutes"');
    expect(evalError("int('x')")).toBe('cannot convert string to int: "x"');
    expect(evalError("'a'.matches(self)", '(')).toMatch(/^invalid regular expression: \(/);
  });

  test('compile errors point at the problem and unsupported constructs are named', () => {
    expect(compileError('self.x +')).toBe("ERROR: <input>:1:9: Syntax error: mismatched input '<EOF>' expecting expression\n | self.x +\n | ........^");
    expect(compileError('foo(self)')).toContain("undeclared reference to 'foo'");
    expect(compileError('self.bar()')).toContain("undeclared reference to 'bar'");
    expect(compileError('other > 1')).toContain("undeclared reference to 'other'");
    expect(compileError('{1: 2}')).toContain('map literals are not supported');
    expect(compileError('1u')).toContain('unsigned integer literals are not supported');
    expect(compileError("b'x'")).toContain('bytes literals are not supported');
    expect(compileError('(1')).toContain("expecting ')'");
    expect(compileError('1 2')).toContain("extraneous input '2'");
    expect(compileError('')).toContain('expecting expression');
    expect(compileError("'unterminated")).toContain('unterminated string');
    expect(compileError("duration('bad')")).toContain('invalid duration');
    expect(compileError("self.matches('[')")).toContain('invalid regular expression');
    expect(compileError('has(self)')).toContain('invalid argument to has() macro');
    expect(compileError('1 # 2')).toContain("token recognition error at: '#'");
    expect(compileError('('.repeat(400) + '1' + ')'.repeat(400))).toContain('recursion limit');
    expect(compileError('!'.repeat(100000) + 'true')).toContain('recursion limit');
    expect(compileCel('oldSelf == self').usesOldSelf).toBe(true);
    expect(compileCel('self == 1').usesOldSelf).toBe(false);
  });

  test('jsonToCel maps numbers by schema and durations are values', () => {
    expect(jsonToCel({ a: 1, b: 1.5, c: [2] })).toEqual({ a: 1n, b: 1.5, c: [2n] });
    expect(jsonToCel(3, { type: 'number' })).toBe(3);
    expect(run("duration('2s')")).toEqual(new CelDuration(2_000_000_000n));
    expect(run("duration('2562047h47m16.854775807s')")).toEqual(new CelDuration(2n ** 63n - 1n));
    expect(run("duration('1.000000001s')")).toEqual(new CelDuration(1_000_000_001n));
    expect(run("duration('-1.5h')")).toEqual(new CelDuration(-5_400_000_000_000n));
    expect(evalError('duration(self)', '2562047h47m16.854775808s')).toMatch(/invalid duration/);
    expect(evalError('duration(self)', '10')).toBe('invalid duration: time: missing unit in duration "10"');
  });

  test('never throws anything but CelCompileError/CelEvalError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.jsonValue(), (src, self) => {
        try {
          compileCel(src).evaluate({ self: jsonToCel(self) });
        } catch (e) {
          expect(e instanceof CelCompileError || e instanceof CelEvalError).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
    const tokens = fc.constantFrom('self', '.', 'a', '(', ')', '[', ']', '1', '2.5', "'s'", '+', '-', '*', '/', '%', '==', '<', '&&', '||', '!', '?', ':', ',', 'in', 'size', 'has', 'duration', 'matches', 'all', 'x');
    fc.assert(
      fc.property(fc.array(tokens, { maxLength: 12 }), fc.jsonValue(), (parts, self) => {
        try {
          compileCel(parts.join(' ')).evaluate({ self: jsonToCel(self) });
        } catch (e) {
          expect(e instanceof CelCompileError || e instanceof CelEvalError).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  test('arithmetic agrees with BigInt inside the int64 range', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 31n), max: 2n ** 31n }), fc.bigInt({ min: 1n, max: 2n ** 31n }), (a, b) => {
        expect(run(`${a} * ${b} + ${a} / ${b} - ${a} % ${b}`)).toBe(a * b + a / b - (a % b));
      }),
    );
  });
});
