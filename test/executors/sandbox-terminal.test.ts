// A dry run's step stays in its supervisor's session (no bwrap --new-session: what left the session outlived a
// kill -9 of the engine, a probe of stop 74), so a terminal may be its controlling one: the filter refuses
// typing into it (TIOCSTI) and the console's selection and paste (TIOCLINUX). Run for real: `script` gives the
// sandbox a pseudo-terminal as its controlling terminal and standard input, and a small program tries both.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { sandboxAvailable, sandboxed } from '../../src/executors/sandbox.js';

const PYTHON = ['/usr/bin/python3', '/bin/python3'].find(existsSync);
const SCRIPT = ['/usr/bin/script', '/bin/script'].find(existsSync);

// Each request's outcome on standard input (the pty): ok, or the errno's name.
const TRY = `
import errno, fcntl, os
for name, req, arg in (('TIOCSTI', 0x5412, b'x'), ('TIOCLINUX', 0x541c, bytes([2]) + bytes(10))):
    try:
        fcntl.ioctl(0, req, arg); print(name, 'ok')
    except OSError as e:
        print(name, errno.errorcode[e.errno])
print('ctty', os.tcgetpgrp(0) == os.getpgrp())  # ENOTTY unless it is the controlling terminal
`;

const quoted = (arg: string): string => `'${arg.replaceAll("'", "'\\''")}'`;

describe('a terminal from inside the sandbox', { skip: !sandboxAvailable() || !PYTHON || !SCRIPT ? 'needs bwrap, python3 and script' : false }, () => {
  it('cannot be typed into nor have its console selection pasted', () => {
    const argv = sandboxed([PYTHON!, '-c', TRY], '/', false);
    const r = spawnSync(SCRIPT!, ['-qec', argv.map(quoted).join(' '), '/dev/null'], { encoding: 'utf8', timeout: 60_000 });
    assert.match(r.stdout, /ctty True/, `the pty is the sandbox's controlling terminal: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /TIOCSTI EPERM/, r.stdout + r.stderr);
    assert.match(r.stdout, /TIOCLINUX EPERM/, r.stdout + r.stderr);
  });
});
