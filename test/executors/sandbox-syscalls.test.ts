// Each system call the sandbox's filter refuses (sandbox-syscalls.ts), made for real by a small C program
// compiled here (fixtures/syscall-probe.c: the numbers come from this system's <sys/syscall.h>, not from the
// tables under test), inside the sandbox with and without the network, as root and as an unprivileged user.
// Outside the sandbox the same calls with the same (harmless) arguments get the kernel's own answer — success, or
// an error other than the filter's — so the refusal inside is the filter's, not the arguments'. A few calls the
// filter must leave (plain clone, unshare of no namespace, a shared lock, fcntl, the kernel log's size) answer
// inside as they do outside for a user without capabilities.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sandboxed } from '../../src/executors/sandbox.js';
import { SETPRIV } from '../helpers/as-nobody.js';
import { ENOSYS } from '../../src/executors/sandbox-syscalls.js';
import { answers, asRoot, LEFT, REFUSED_CALLS, setup, skipNoCc, type Wall } from './syscall-probe.js';

const inSandbox = (network: boolean, asNobody: boolean): Wall =>
  ({ name: network ? 'network' : 'offline', asNobody, wrap: (argv, cwd) => sandboxed(argv, cwd, network) });

describe('the sandbox refuses each call of its filter, and only the filter refuses it', { concurrency: true }, () => {
  for (const asNobody of [false, true]) {
    const skip = skipNoCc || (asNobody && (!asRoot || !SETPRIV) ? 'needs root and setpriv to become another user' : false);
    test(`${asNobody ? 'as an unprivileged user' : 'as the current user'}: refused inside (network and offline), answered by the kernel outside`, { skip }, async (t) => {
      const s = setup(t);
      const [outside, network, offline] = await Promise.all([
        answers(s.argv, s.dir, { asNobody }),
        answers(s.argv, s.dir, inSandbox(true, asNobody)),
        answers(s.argv, s.dir, inSandbox(false, asNobody)),
      ]);
      const capless = asNobody ? outside : await answers(s.argv, s.dir, { asNobody: true }).catch(() => undefined);
      for (const [name, errno] of REFUSED_CALLS) {
        assert.notEqual(outside.get(name), undefined, `${name}: no probe for it`);
        assert.notEqual(outside.get(name), '-1', `${name}: the probe does not know it`);
        assert.equal(network.get(name), String(errno), `${name} with the network: ${network.get(name)}`);
        assert.equal(offline.get(name), String(errno), `${name} offline: ${offline.get(name)}`);
        // As root every call reaches the kernel outside and gets another answer; as a user without capabilities
        // the kernel itself refuses some with EPERM (mount, reboot…), where the filter's answer cannot be told
        // apart — the root run shows the filter refuses those.
        if (!asNobody) assert.notEqual(outside.get(name), String(errno), `${name} outside answers ${outside.get(name)}: the probe proves nothing`);
      }
      if (!asNobody) {
        // The calls an unprivileged user may make outside: the filter's answer differs from the kernel's there too.
        const open = [...REFUSED_CALLS].filter(([n, e]) => capless?.get(n) !== String(e)).map(([n]) => n);
        assert.ok(open.length >= 20, `unprivileged calls the kernel answers outside: ${open.join(' ')}`);
      }
      for (const name of LEFT) {
        if (capless) assert.equal(network.get(name), capless.get(name), `${name} is left to the kernel: inside ${network.get(name)}, outside ${capless.get(name)}`);
        assert.equal(offline.get(name), network.get(name), name);
      }
      assert.equal(network.get('past-table'), String(ENOSYS), 'a number past the reviewed table');
    });
  }
});
