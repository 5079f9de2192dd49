import { describe, expect, test } from '@jest/globals';
import { checkEligibility, isAllowedByLabel } from '../../../../operator/src/chaos/eligibility.ts';
import { NAMESPACE_LABEL } from '../../../../api/names.ts';
import { aNamespace } from '../../../support/builders.ts';

const label = (value: string | undefined): Record<string, string> => (value === undefined ? {} : { [NAMESPACE_LABEL]: value });

describe('isAllowedByLabel (seed-spec 4.1 table)', () => {
  test.each([
    ['AllowAll', undefined, true],
    ['AllowAll', 'true', true],
    ['AllowAll', 'false', false],
    ['AllowAll', 'blabla', true],
    ['AllowAll', 'False', true], // case-sensitive
    ['AllowAll', 'FALSE', true],
    ['DenyAll', undefined, false],
    ['DenyAll', 'true', true],
    ['DenyAll', 'false', false],
    ['DenyAll', 'blabla', false],
    ['DenyAll', 'True', false], // case-sensitive
    ['DenyAll', '', false],
  ] as const)('%s, label %p -> %p', (behavior, value, allowed) => {
    expect(isAllowedByLabel(label(value), behavior)).toBe(allowed);
  });

  test('other labels are ignored', () => {
    expect(isAllowedByLabel({ 'cm.massix.github.io/other': 'true' }, 'DenyAll')).toBe(false);
  });
});

describe('checkEligibility', () => {
  const base = { namespaceName: 'demo', behavior: 'AllowAll' as const, ownNamespace: 'chaosmonkey', targetSelf: false };

  test.each([
    ['missing namespace', { namespace: undefined }, 'NamespaceNotFound'],
    ['terminating', { namespace: aNamespace({ terminating: true }) }, 'NamespaceTerminating'],
    ['terminating wins over label', { namespace: aNamespace({ terminating: true, labels: label('false') }) }, 'NamespaceTerminating'],
    ['own namespace', { namespace: aNamespace({ name: 'chaosmonkey' }), namespaceName: 'chaosmonkey' }, 'OwnNamespace'],
    ['own namespace with targetSelf', { namespace: aNamespace({ name: 'chaosmonkey' }), targetSelf: true }, null],
    ['own namespace with targetSelf but opted out', { namespace: aNamespace({ name: 'chaosmonkey', labels: label('false') }), targetSelf: true }, 'NamespaceOptedOut'],
    ['AllowAll, no label', { namespace: aNamespace() }, null],
    ['AllowAll, false', { namespace: aNamespace({ labels: label('false') }) }, 'NamespaceOptedOut'],
    ['DenyAll, no label', { namespace: aNamespace(), behavior: 'DenyAll' as const }, 'NamespaceNotOptedIn'],
    ['DenyAll, true', { namespace: aNamespace({ labels: label('true') }), behavior: 'DenyAll' as const }, null],
  ])('%s -> %p', (_name, overrides, code) => {
    const reason = checkEligibility({ ...base, ...overrides });
    expect(reason?.code ?? null).toBe(code);
    if (reason !== null) expect(reason.message).toContain(overrides.namespace?.name ?? 'demo');
  });
});
