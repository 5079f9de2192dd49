import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, jsonEqual, PatchError } from '../../../../sandbox/lib/patch.ts';

// Deployment of fixtures kube-apiserver-v1.28/patches.json (trimmed to what the patches touch).
const deployment = () => ({
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: {
    replicas: 2,
    template: {
      spec: {
        containers: [{ name: 'app', image: 'registry.example/app:1.0', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }],
      },
    },
  },
});

const frozen = <T>(v: T): T => {
  const deepFreeze = (x: unknown): void => {
    if (typeof x === 'object' && x !== null) {
      Object.freeze(x);
      Object.values(x).forEach(deepFreeze);
    }
  };
  deepFreeze(v);
  return v;
};

const json = fc.jsonValue();

describe('applyMergePatch (RFC 7386)', () => {
  test('patches.json: replicas merge and containers replaced whole', () => {
    const d = frozen(deployment());
    const p1 = applyMergePatch(d, { spec: { replicas: 3 } }) as ReturnType<typeof deployment>;
    expect(p1.spec.replicas).toBe(3);
    expect(p1.spec.template).toEqual(d.spec.template);
    const p2 = applyMergePatch(d, { spec: { template: { spec: { containers: [{ name: 'app', env: [{ name: 'Z', value: 'only' }] }] } } } }) as ReturnType<typeof deployment>;
    expect(p2.spec.template.spec.containers).toEqual([{ name: 'app', env: [{ name: 'Z', value: 'only' }] }]);
  });
  test('RFC 7386 appendix examples', () => {
    expect(applyMergePatch({ a: 'b' }, { a: 'c' })).toEqual({ a: 'c' });
    expect(applyMergePatch({ a: 'b' }, { b: 'c' })).toEqual({ a: 'b', b: 'c' });
    expect(applyMergePatch({ a: 'b' }, { a: null })).toEqual({});
    expect(applyMergePatch({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] });
    expect(applyMergePatch(['a', 'b'], ['c', 'd'])).toEqual(['c', 'd']);
    expect(applyMergePatch({ a: 'foo' }, 'bar')).toBe('bar');
    expect(applyMergePatch({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(applyMergePatch([1, 2], { a: 'b', c: null })).toEqual({ a: 'b' });
    expect(applyMergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });
  test('laws: idempotent, result shares nothing with inputs, inputs unchanged', () => {
    fc.assert(
      fc.property(json, json, (t, p) => {
        const tCopy = structuredClone(t);
        const pCopy = structuredClone(p);
        const once = applyMergePatch(t, p);
        expect(applyMergePatch(once, p)).toEqual(once);
        expect(t).toEqual(tCopy);
        expect(p).toEqual(pCopy);
      }),
    );
  });
});

describe('applyJsonPatch (RFC 6902)', () => {
  test('patches.json: replace + add', () => {
    const out = applyJsonPatch(frozen(deployment()), [
      { op: 'replace', path: '/spec/replicas', value: 1 },
      { op: 'add', path: '/metadata/labels/patched', value: 'json' },
    ]) as ReturnType<typeof deployment>;
    expect(out.spec.replicas).toBe(1);
    expect(out.metadata.labels).toEqual({ app: 'web', patched: 'json' });
  });
  test('patches.json: failing test op and missing path throw PatchError', () => {
    expect(() => applyJsonPatch(deployment(), [{ op: 'test', path: '/spec/replicas', value: 99 }, { op: 'replace', path: '/spec/replicas', value: 5 }])).toThrow(PatchError);
    expect(() => applyJsonPatch(deployment(), [{ op: 'replace', path: '/spec/doesNotExist/x', value: 1 }])).toThrow(PatchError);
    expect(() => applyJsonPatch(deployment(), [{ op: 'remove', path: '/spec/nope' }])).toThrow('remove operation does not apply');
    expect(() => applyJsonPatch(deployment(), { op: 'add' })).toThrow(PatchError);
    expect(() => applyJsonPatch(deployment(), [{ op: 'frob', path: '/a' }])).toThrow(PatchError);
    expect(() => applyJsonPatch({ a: [] }, [{ op: 'add', path: '/a/1', value: 1 }])).toThrow(PatchError);
  });
  test('arrays, escapes, move, copy, test', () => {
    const out = applyJsonPatch(frozen({ a: [1, 2], 'x/y': { '~t': 1 } }), [
      { op: 'add', path: '/a/-', value: 3 },
      { op: 'add', path: '/a/0', value: 0 },
      { op: 'remove', path: '/a/1' },
      { op: 'copy', from: '/x~1y/~0t', path: '/c' },
      { op: 'move', from: '/c', path: '/d' },
      { op: 'test', path: '/d', value: 1 },
      { op: 'test', path: '/a', value: [0, 2, 3] },
    ]);
    expect(out).toEqual({ a: [0, 2, 3], 'x/y': { '~t': 1 }, d: 1 });
    expect(applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: [1] }])).toEqual([1]);
  });
  test('add then remove of a fresh key is the identity; test after add passes', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), json), fc.string(), json, (doc, key, value) => {
        fc.pre(!Object.hasOwn(doc, key));
        const ptr = `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        const added = applyJsonPatch(doc, [{ op: 'add', path: ptr, value }, { op: 'test', path: ptr, value }]);
        expect(jsonEqual(applyJsonPatch(added, [{ op: 'remove', path: ptr }]), doc)).toBe(true);
      }),
    );
  });
});

describe('applyStrategicMergePatch', () => {
  test('patches.json: env merged by name (B changed, C added, A kept), image kept', () => {
    const out = applyStrategicMergePatch(frozen(deployment()), {
      spec: { template: { spec: { containers: [{ name: 'app', env: [{ name: 'B', value: 'changed' }, { name: 'C', value: '3' }] }] } } },
    }) as ReturnType<typeof deployment>;
    expect(out.spec.template.spec.containers).toEqual([
      { name: 'app', image: 'registry.example/app:1.0', env: [{ name: 'A', value: '1' }, { name: 'B', value: 'changed' }, { name: 'C', value: '3' }] },
    ]);
  });
  test('conditions by type, ownerReferences by uid, ports by containerPort, finalizers as a set', () => {
    const target = frozen({
      metadata: { finalizers: ['a'], ownerReferences: [{ uid: 'u1', name: 'x' }] },
      spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, name: 'http' }] }] },
      status: { conditions: [{ type: 'Ready', status: 'False' }] },
    });
    const out = applyStrategicMergePatch(target, {
      metadata: { finalizers: ['b', 'a'], ownerReferences: [{ uid: 'u2', name: 'y' }] },
      spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 81 }] }] },
      status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Synced', status: 'True' }] },
    });
    expect(out).toEqual({
      metadata: { finalizers: ['a', 'b'], ownerReferences: [{ uid: 'u1', name: 'x' }, { uid: 'u2', name: 'y' }] },
      spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }, { containerPort: 81 }] }] },
      status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Synced', status: 'True' }] },
    });
  });
  test('directives: $patch delete/replace, list replace, $deleteFromPrimitiveList, null deletes, unknown lists replaced', () => {
    const target = frozen({
      metadata: { finalizers: ['a', 'b', 'c'], labels: { x: '1', y: '2' } },
      spec: { containers: [{ name: 'a' }, { name: 'b' }], args: ['1', '2'], volumes: [{ name: 'v' }], selector: { m: 1, n: 2 } },
    });
    const out = applyStrategicMergePatch(target, {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['b'], labels: { x: null } },
      spec: {
        containers: [{ name: 'a', $patch: 'delete' }],
        args: ['3'],
        volumes: [{ $patch: 'replace' }, { name: 'w' }],
        selector: { $patch: 'replace', z: 3 },
        '$setElementOrder/containers': [{ name: 'b' }],
      },
    });
    expect(out).toEqual({
      metadata: { finalizers: ['a', 'c'], labels: { y: '2' } },
      spec: { containers: [{ name: 'b' }], args: ['3'], volumes: [{ name: 'w' }], selector: { z: 3 } },
    });
    expect(applyStrategicMergePatch({ spec: { a: { b: 1 } } }, { spec: { a: { $patch: 'delete' } } })).toEqual({ spec: {} });
  });
  test('__proto__ keys are plain data in every flavour', () => {
    const evil = JSON.parse('{"__proto__": {"polluted": 1}}') as unknown;
    const m = applyMergePatch({}, evil) as Record<string, unknown>;
    expect(m.polluted).toBeUndefined();
    expect(Object.hasOwn(m, '__proto__')).toBe(true);
    const s = applyStrategicMergePatch({}, evil) as Record<string, unknown>;
    expect(s.polluted).toBeUndefined();
    expect(Object.hasOwn(s, '__proto__')).toBe(true);
    const j = applyJsonPatch({}, [{ op: 'add', path: '/__proto__', value: { polluted: 1 } }]) as Record<string, unknown>;
    expect(j.polluted).toBeUndefined();
    expect(Object.hasOwn(j, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  test('a keyed element without its key is rejected', () => {
    expect(() => applyStrategicMergePatch({ spec: { containers: [] } }, { spec: { containers: [{ image: 'x' }] } })).toThrow('does not contain declared merge key: name');
    expect(() => applyStrategicMergePatch({}, [1])).toThrow(PatchError);
  });
  test('without lists it agrees with the JSON merge patch', () => {
    const noArrays = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.string(), fc.boolean(), fc.dictionary(fc.stringMatching(/^[a-z]{1,3}$/), tie('v'))),
    })).v;
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z]{1,3}$/), noArrays), fc.dictionary(fc.stringMatching(/^[a-z]{1,3}$/), fc.oneof(noArrays, fc.constant(null))), (t, p) => {
        expect(applyStrategicMergePatch(t, p)).toEqual(applyMergePatch(t, p));
      }),
    );
  });
});
