// A remote step found its commands through the target's PATH as it was: an empty entry, '.' or a relative one
// (and bash's own default, which ends in '.', when there is no PATH) names the step's directory, which the
// runbook's cwd: chooses. A local step drops those entries (path-entries.ts); the wrapper now does the same. Run
// here under a real bash as sshd would start it, in a directory holding a program named like a reviewed read this
// host lacks, for every way to write a relative entry; first shown to run it on the wrapper before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWrapped } from './wrapped.js';
import { BUILTINS, READS } from '../../src/language/validate/read-commands.js';

const SYSTEM = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const MISSING = Object.keys(READS).filter((n) => /^[a-z0-9_]+$/.test(n) && !BUILTINS.has(n) && !SYSTEM.some((d) => existsSync(join(d, n))));
const SYS = '/usr/local/bin:/usr/bin:/bin';
const RELATIVE: (string | undefined)[] = [`:${SYS}`, `${SYS}:`, `/usr/local/bin::/usr/bin:/bin`, `.:${SYS}`, `${SYS}:.`, `bin/..:${SYS}`, `./:${SYS}`, '', undefined];

/** The wrapper around `script` in `cwd`, with the target's PATH (none: unset). */
const wrapped = (script: string, cwd: string, path: string | undefined) => runWrapped(script, { HOME: cwd, SHLVL: '2', ...(path !== undefined ? { PATH: path } : {}) }, cwd);

test("a remote step never runs a program from its directory, whatever the target's PATH says", async () => {
  assert.ok(MISSING.length >= 1, 'a reviewed command missing on this host');
  const dir = mkdtempSync(join(tmpdir(), 'runbook-rpath-'));
  try {
    const marker = join(dir, 'ran');
    for (const name of MISSING) {
      writeFileSync(join(dir, name), `#!/bin/sh\ntouch ${marker}\n`);
      chmodSync(join(dir, name), 0o755);
    }
    for (const path of RELATIVE) {
      for (const name of MISSING.slice(0, 3)) {
        rmSync(marker, { force: true });
        const r = await wrapped(`${name} x || true`, dir, path);
        assert.equal(r.status, 0, `${path}: ${r.stderr}`);
        assert.match(r.stdout, /^hs\n/, `${path}: the wrapper ran`);
        assert.equal(existsSync(marker), false, `PATH=${JSON.stringify(path)}: the directory's own ${name} ran`);
      }
    }
    // The absolute entries stay, in order.
    const shown = await wrapped('printf "%s\\n" "$PATH"', dir, `.:/usr/bin::/bin:x:/usr/local/bin`);
    assert.equal(shown.stdout, 'hs\n/usr/bin:/bin:/usr/local/bin\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
