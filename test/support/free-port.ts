/** The tests' free-port helper is the sandbox's (the demo uses it too). */
export { freePort } from '../../sandbox/lib/free-port.ts';
