import { describe, expect, test } from '@jest/globals';
import { keyForCmc, keysForNamespace, namespaceChangeMatters, namespaceNameOf } from '../../../../operator/src/reconcile/handlers.ts';
import { NAMESPACE_LABEL } from '../../../../api/names.ts';
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

  test('namespaceNameOf', () => {
    expect(namespaceNameOf({ metadata: { name: 'demo' } })).toBe('demo');
    expect(namespaceNameOf({ metadata: {} })).toBeUndefined();
  });

  const ns = (label?: string, extra: Record<string, unknown> = {}) => {
    const labels: Record<string, string> = label === undefined ? {} : { [NAMESPACE_LABEL]: label };
    return { metadata: { labels, ...extra } };
  };
  test.each([
    [ns(), ns(), false],
    [ns('true'), ns('true'), false],
    [ns(), ns('false'), true],
    [ns('true'), ns(), true],
    [ns(), ns(undefined, { deletionTimestamp: 'x' }), true],
    [undefined, ns(), true],
  ])('namespaceChangeMatters(%j, %j) -> %p', (before, after, matters) => {
    expect(namespaceChangeMatters(before, after, NAMESPACE_LABEL)).toBe(matters);
  });
});
