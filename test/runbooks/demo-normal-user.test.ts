// The README's first command must work for a normal user too, not only as root (the lab then runs the
// server as that user instead of switching to an unprivileged account).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BIN } from '../helpers/cli.js';
import { checkoutUsableBy, NOBODY } from '../helpers/access.js';

const isRoot = process.getuid?.() === 0;
const cwd = mkdtempSync(join(tmpdir(), 'runbook-demo-user-'));
after(() => rmSync(cwd, { recursive: true, force: true }));

const skip = !isRoot ? 'already a normal user: demo.test.ts covers it'
  : !checkoutUsableBy(NOBODY) ? 'this checkout is not readable by nobody (a private parent directory)' : false;

test('demo pool-exhausted runs as a normal user', { skip }, () => {
  chownSync(cwd, 65534, 65534);
  const r = spawnSync('runuser', ['-u', 'nobody', '--', 'env', `HOME=${cwd}`, 'NO_COLOR=1', process.execPath, BIN, 'demo', 'pool-exhausted', '--plain', '--yes'],
    { cwd, encoding: 'utf8', timeout: 180_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /finished resolved/);
  assert.match(r.stdout, /Demo database stopped and removed/);
});
