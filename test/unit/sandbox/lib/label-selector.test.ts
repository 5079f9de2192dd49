import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import {
  formatLabelSelector,
  labelSelectorFromObject,
  matchesLabels,
  parseLabelSelector,
  SelectorError,
} from '../../../../sandbox/lib/label-selector.ts';
import type { LabelRequirement } from '../../../../sandbox/lib/label-selector.ts';

// Pods and selectors of fixtures kube-apiserver-v1.28/list.json, with the names the real server returned.
const PODS: Record<string, Record<string, string>> = {
  p1: { app: 'web', tier: 'front' },
  p2: { app: 'web', tier: 'back' },
  p3: { app: 'db', tier: 'back' },
  p4: { app: 'cache' },
  p5: { app: 'web', canary: 'true' },
};
const select = (text: string): string[] => {
  const reqs = parseLabelSelector(text);
  return Object.keys(PODS).filter((n) => matchesLabels(reqs, PODS[n]));
};
const errorOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SelectorError);
    return (e as Error).message;
  }
  throw new Error('no error thrown');
};

describe('parseLabelSelector + matchesLabels against list.json', () => {
  test.each([
    ['app=web', ['p1', 'p2', 'p5']],
    ['app in (db,cache)', ['p3', 'p4']],
    ['!tier', ['p4', 'p5']],
    ['app!=web', ['p3', 'p4']],
    ['tier!=front', ['p2', 'p3', 'p4', 'p5']],
    ['app=web,tier', ['p1', 'p2']],
  ])('%s', (text, names) => {
    expect(select(text)).toEqual(names);
  });

  test('the recorded invalid selector gives the recorded message', () => {
    expect(errorOf(() => parseLabelSelector('app in (web'))).toBe("unable to parse requirement: found '', expected: ',' or ')'");
  });
});

describe('grammar', () => {
  test('all operator forms parse to normalised requirements', () => {
    expect(parseLabelSelector(' b == 2 , a notin ( z , y ), !c, d, e>3, f<4, g=')).toEqual([
      { key: 'a', operator: 'notin', values: ['y', 'z'] },
      { key: 'b', operator: '==', values: ['2'] },
      { key: 'c', operator: '!', values: [] },
      { key: 'd', operator: 'exists', values: [] },
      { key: 'e', operator: 'gt', values: ['3'] },
      { key: 'f', operator: 'lt', values: ['4'] },
      { key: 'g', operator: '=', values: [''] },
    ]);
  });
  test('empty selects everything', () => {
    expect(parseLabelSelector('')).toEqual([]);
    expect(select('  ')).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
  });
  test('keywords are plain identifiers in key position and prefixed keys are accepted', () => {
    expect(parseLabelSelector('in=notin,example.com/x')).toEqual([
      { key: 'example.com/x', operator: 'exists', values: [] },
      { key: 'in', operator: '=', values: ['notin'] },
    ]);
  });
  test('gt/lt compare integers and fail on non-integer labels', () => {
    const reqs = parseLabelSelector('n>5');
    expect(matchesLabels(reqs, { n: '6' })).toBe(true);
    expect(matchesLabels(reqs, { n: '5' })).toBe(false);
    expect(matchesLabels(reqs, { n: 'x' })).toBe(false);
    expect(matchesLabels(reqs, undefined)).toBe(false);
  });
  test('empty set value list means the empty string', () => {
    expect(parseLabelSelector('a in ()')).toEqual([{ key: 'a', operator: 'in', values: [''] }]);
    expect(parseLabelSelector('a in (,x)')).toEqual([{ key: 'a', operator: 'in', values: ['', 'x'] }]);
  });
});

describe('kube error texts', () => {
  test.each([
    ['a=b,', "found '', expected: identifier after ','"],
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['=a', "found '=', expected: !, identifier, or 'end of string'"],
    ['a in x', "unable to parse requirement: found 'x' expected: '('"],
    ['a in (x y)', "unable to parse requirement: found 'y', expected: ',' or ')'"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a (', "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['a=(', "unable to parse requirement: found '(', expected: identifier"],
    ['a>x', "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer"],
  ])('%s', (text, message) => {
    expect(errorOf(() => parseLabelSelector(text))).toBe(message);
  });
  test('invalid key and value use the validation messages', () => {
    expect(errorOf(() => parseLabelSelector('-a=b'))).toBe(
      "unable to parse requirement: <nil>: Invalid value: \"-a\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    );
    expect(errorOf(() => parseLabelSelector('a=b-'))).toBe(
      "unable to parse requirement: values[0][a]: Invalid value: \"b-\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    );
  });
});

describe('labelSelectorFromObject', () => {
  test('matchLabels and matchExpressions are ANDed', () => {
    const reqs = labelSelectorFromObject({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front', 'back'] },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    });
    expect(Object.keys(PODS).filter((n) => matchesLabels(reqs, PODS[n]))).toEqual(['p1', 'p2']);
    expect(labelSelectorFromObject({})).toEqual([]);
    expect(matchesLabels(labelSelectorFromObject({ matchExpressions: [{ key: 'app', operator: 'Exists' }, { key: 'app', operator: 'NotIn', values: ['web'] }] }), PODS.p4)).toBe(true);
  });
  test('bad operator and empty In values are rejected', () => {
    expect(errorOf(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Foo' }] }))).toBe('"Foo" is not a valid label selector operator');
    expect(errorOf(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }))).toBe(
      "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
    );
  });
});

describe('properties', () => {
  const word = fc.stringMatching(/^[a-z0-9]([a-z0-9._-]{0,8}[a-z0-9])?$/);
  const requirement: fc.Arbitrary<LabelRequirement> = fc.oneof(
    fc.record({ key: word, operator: fc.constantFrom('=' as const, '==' as const, '!=' as const), values: fc.tuple(word) }),
    fc.record({ key: word, operator: fc.constantFrom('in' as const, 'notin' as const), values: fc.uniqueArray(word, { minLength: 1, maxLength: 4 }) }),
    fc.record({ key: word, operator: fc.constantFrom('exists' as const, '!' as const), values: fc.constant([] as string[]) }),
  );
  test('format then parse gives back the same requirements', () => {
    fc.assert(
      fc.property(fc.array(requirement, { maxLength: 5 }), (reqs) => {
        const normal = reqs.map((r) => ({ ...r, values: [...r.values].sort() })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        const parsed = parseLabelSelector(formatLabelSelector(normal));
        expect(parsed.map((r) => formatLabelSelector([r])).sort()).toEqual(normal.map((r) => formatLabelSelector([r])).sort());
      }),
    );
  });
  test('key!=v is the negation of key=v, notin of in', () => {
    fc.assert(
      fc.property(word, word, fc.dictionary(word, word), (k, v, labels) => {
        expect(matchesLabels(parseLabelSelector(`${k}!=${v}`), labels)).toBe(!matchesLabels(parseLabelSelector(`${k}=${v}`), labels));
        expect(matchesLabels(parseLabelSelector(`${k} notin (${v})`), labels)).toBe(!matchesLabels(parseLabelSelector(`${k} in (${v})`), labels));
        expect(matchesLabels(parseLabelSelector(`!${k}`), labels)).toBe(!matchesLabels(parseLabelSelector(k), labels));
      }),
    );
  });
});
