/** The sandbox's printer-column JSONPath: the forms our CRD's columns use, as client-go evaluates them. */
import { describe, expect, test } from '@jest/globals';
import { jsonPath } from '../../../sandbox/server/table.ts';

const cmc = {
  spec: { deployment: { name: 'web' }, list: [{ b: 1 }] },
  status: { conditions: [{ type: 'Ready', status: 'False', reason: 'Paused' }, { type: 'Blocked', status: 'True', reason: 'Unsupported' }] },
};

describe('jsonPath', () => {
  test.each([
    ['.spec.deployment.name', 'web'],
    ['{.spec.deployment.name}', 'web'],
    ['.spec.list[0].b', 1],
    ['.status.conditions[?(@.type=="Blocked")].reason', 'Unsupported'],
    ['.status.conditions[?(@.type=="Ready")].status', 'False'],
    [".status.conditions[?(@.type=='Ready')].reason", 'Paused'],
    ['.status.conditions[?(@.type!="Ready")].type', 'Blocked'],
    ['.status.conditions[?(@.type=="Gone")].reason', undefined],
    ['.spec.missing.name', undefined],
    ['.spec.deployment[0]', undefined],
  ])('%s -> %j', (path, want) => {
    expect(jsonPath(cmc, path)).toEqual(want);
  });
});
