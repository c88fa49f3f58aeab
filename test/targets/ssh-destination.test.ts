// How an SSH destination may be written (issue #30): ssh's own forms pass as they are; `[user@]host:port` becomes
// the `ssh://` URI it means (ssh alone would look up a host named `host:port`); a port named twice must agree.
// End to end against a real sshd: ssh-link.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sshDestination } from '../../src/executors/ssh-destination.js';

describe('ssh destinations', () => {
  for (const [given, port, expected] of [
    ['db-1', undefined, 'db-1'],
    ['postgres@db-1.internal', undefined, 'postgres@db-1.internal'],
    ['postgres@db-1.internal:2222', undefined, 'ssh://postgres@db-1.internal:2222'],
    ['10.0.0.5:22', undefined, 'ssh://10.0.0.5:22'],
    ['bob@[2001:db8::1]:2222', undefined, 'ssh://bob@[2001:db8::1]:2222'],
    ['ssh://bob@db-1:2222', undefined, 'ssh://bob@db-1:2222'],
    ['ssh://bob@db-1', 2222, 'ssh://bob@db-1'],
    ['db-1:2222', 2222, 'ssh://db-1:2222'],
    ['2001:db8::1', undefined, '2001:db8::1'], // a bare IPv6 address: no port in it
  ] as const) {
    it(`${given}${port ? ` (port ${port})` : ''} → ${expected}`, () => assert.equal(sshDestination(given, port), expected));
  }
  for (const [given, port, error] of [
    ['db-1:2222', 22, /names port 2222 and the target's port is 22: give one/],
    ['ssh://db-1:2222', 22, /names port 2222 and the target's port is 22/],
    ['db-1:70000', undefined, /names port 70000, which is not a port/],
    ['db-1:0', undefined, /names port 0, which is not a port/],
  ] as const) {
    it(`${given} (port ${port ?? 'none'}): refused`, () => assert.throws(() => sshDestination(given, port), error));
  }
});
