// No core files from a step (a probe of stop 72): with the operator's core limit above 0, a proven read's
// `exit 139` made the supervisor end itself by SIGSEGV outside the sandbox and dump core into the step's
// directory, over a file named core, in a dry run too, with the step's environment (a secret env: value) in it;
// `timeout -s SEGV 1 sleep 5` had sleep dump its own. The supervisor now sets the core limit to 0 for itself
// and the step, before the step starts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, scratch, writeRunbook } from '../hardening/helpers.js';

const PATTERN = readFileSync('/proc/sys/kernel/core_pattern', 'utf8').trim();

test('a step that ends by a core-dumping signal leaves no core file, dry and real', { skip: PATTERN.startsWith('|') ? `core_pattern pipes to ${PATTERN.slice(1, 40)}: no file to look for` : false }, (t) => {
  const dir = scratch(t);
  const core = join(dir, PATTERN.includes('/') ? 'core' : PATTERN.replace(/%./g, '') || 'core');
  for (const [i, run] of ['exit 139', 'timeout -s SEGV 1 sleep 5 || true', 'timeout -s QUIT 1 sleep 5 || true', 'timeout -s ABRT 1 sleep 5 || true'].entries()) {
    const file = writeRunbook(dir, `c${i}`, `name: c\ntitle: c\nsteps:\n  - id: look\n    shell: { run: ${JSON.stringify(run)}, cwd: ${JSON.stringify(dir)} }\n    timeout: 20s\n    next: done\n  - { id: done, end: resolved }\n`);
    for (const dry of [true, false]) {
      writeFileSync(core, 'IMPORTANT-DATA');
      const args = ['run', file, '--plain', '--no-transcript', ...(dry ? ['--dry-run', '--yes'] : [])].map((a) => `'${a}'`).join(' ');
      const r = spawnSync('bash', ['-c', `ulimit -c unlimited && exec node '${BIN}' ${args}`], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(readFileSync(core, 'utf8'), 'IMPORTANT-DATA', `${run}${dry ? ' (dry run)' : ''}: a core was written\n${r.stdout}${r.stderr}`);
    }
  }
});
