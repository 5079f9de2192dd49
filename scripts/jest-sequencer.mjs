// Test order: jest's default (slowest and failed first), except that the RBAC proof runs last, so
// it sees the requests every earlier test file's sandboxes logged (SANDBOX_REQUEST_LOG).
import Sequencer from '@jest/test-sequencer';

const LAST = /rbac-recorded\.test\.ts$/;

const Base = Sequencer.default ?? Sequencer;

export default class RbacLastSequencer extends Base {
  sort(tests) {
    const sorted = super.sort(tests);
    const order = (list) => [...list.filter((t) => !LAST.test(t.path)), ...list.filter((t) => LAST.test(t.path))];
    return typeof sorted?.then === 'function' ? sorted.then(order) : order(sorted);
  }
}
