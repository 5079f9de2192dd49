import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import {
  fieldLabelNotSupportedMessage,
  formatFieldSelector,
  matchesFields,
  parseFieldSelector,
  SelectorError,
} from '../../../../sandbox/lib/field-selector.ts';

const pod = (name: string, phase: string, node?: string) => ({
  metadata: { name, namespace: 'fx-list' },
  spec: node === undefined ? {} : { nodeName: node },
  status: { phase },
});
const PODS = [pod('p1', 'Pending'), pod('p2', 'Running', 'n1'), pod('p3', 'Pending')];
const select = (text: string): string[] => {
  const reqs = parseFieldSelector(text);
  return PODS.filter((p) => matchesFields(reqs, p)).map((p) => p.metadata.name);
};

describe('parseFieldSelector + matchesFields', () => {
  test('operators =, == and != (list.json cases included)', () => {
    expect(select('metadata.name=p3')).toEqual(['p3']);
    expect(select('status.phase=Pending')).toEqual(['p1', 'p3']);
    expect(select('status.phase==Running')).toEqual(['p2']);
    expect(select('status.phase!=Pending,metadata.namespace=fx-list')).toEqual(['p2']);
    expect(select('')).toEqual(['p1', 'p2', 'p3']);
  });
  test('a missing field reads as the empty string', () => {
    expect(select('spec.nodeName=')).toEqual(['p1', 'p3']);
    expect(select('spec.nodeName!=')).toEqual(['p2']);
  });
  test('terms are sorted and escapes are decoded', () => {
    expect(parseFieldSelector('b=1,a!=x\\,y\\=z\\\\')).toEqual([
      { field: 'a', operator: '!=', value: 'x,y=z\\' },
      { field: 'b', operator: '=', value: '1' },
    ]);
  });
  test('kube error texts', () => {
    const err = (t: string): string => {
      try {
        parseFieldSelector(t);
      } catch (e) {
        expect(e).toBeInstanceOf(SelectorError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err('abc')).toBe("invalid selector: 'abc'; can't understand 'abc'");
    expect(err('a=b\\x')).toBe('invalid field selector: invalid escape sequence: \\x');
    expect(err('a==b=c')).toBe('invalid field selector: unescaped character in value: 61');
    expect(fieldLabelNotSupportedMessage('spec.containers.image')).toBe('field label not supported: spec.containers.image');
  });
  test('format/parse round trip for arbitrary values', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]+(\.[a-z]+)*$/), fc.constantFrom('=' as const, '!=' as const), fc.string(), (field, operator, value) => {
        expect(parseFieldSelector(formatFieldSelector([{ field, operator, value }]))).toEqual([{ field, operator, value }]);
      }),
    );
  });
});
