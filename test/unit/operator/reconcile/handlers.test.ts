import { describe, expect, test } from '@jest/globals';
import { keyForCmc, keysForNamespace } from '../../../../operator/src/reconcile/handlers.ts';
import { aCmc } from '../../../support/builders.ts';

describe('handlers', () => {
  test.each([
    [aCmc(), 'demo/cmc-1'],
    [aCmc({ metadata: { namespace: 'a', name: 'b' } }), 'a/b'],
    [{ metadata: { name: 'x' } }, undefined],
    [{ metadata: { namespace: 'a', name: 5 } }, undefined],
    [{}, undefined],
    [undefined, undefined],
  ])('keyForCmc(%j) -> %p', (obj, key) => {
    expect(keyForCmc(obj)).toBe(key);
  });

  test('keysForNamespace lists the keys of the CMCs in that namespace only', () => {
    const cmcs = [aCmc({ metadata: { name: 'a' } }), aCmc({ metadata: { name: 'b' } }), aCmc({ metadata: { namespace: 'other', name: 'c' } })];
    const store = { listCmcs: (ns?: string) => cmcs.filter((c) => ns === undefined || c.metadata.namespace === ns) };
    expect(keysForNamespace(store, 'demo')).toEqual(['demo/a', 'demo/b']);
    expect(keysForNamespace(store, 'empty')).toEqual([]);
  });
});
