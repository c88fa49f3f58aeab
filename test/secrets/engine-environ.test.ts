// A proven read printed the engine's own environment: `ps eww -C node -o args= | tr 'A-Za-z' 'N-ZA-Mn-za-m'` put
// DATABASE_URL's password (rot13, past the redactor) and RUNBOOK_SIGNING_KEY on the screen and in the transcript
// (a probe of stop 74). Steps inherit no credential variable, but the kernel kept the engine's first environment
// at /proc/<pid>/environ, open to a root step without CAP_SYS_PTRACE. The shield's user namespace closes every other
// process's environ to a step: as root, in a real run and a dry run, no encoding of the secret is printed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';
import { rng } from '../helpers/rng.js';

const rot13 = (s: string) => s.replace(/[A-Za-z]/g, (c) => String.fromCharCode((c <= 'Z' ? 65 : 97) + ((c.toUpperCase().charCodeAt(0) - 65 + 13) % 26)));
const READS = [
  "ps eww -C node -o args= | tr 'A-Za-z' 'N-ZA-Mn-za-m'",
  "find /proc -maxdepth 2 -name environ -exec cat '{}' ';' | tr 'A-Za-z' 'N-ZA-Mn-za-m'",
];

test('no proven read prints the engine\'s environment, real or dry (as root: the shield)', { skip: process.getuid?.() !== 0 && 'the shield is root\'s' }, async (t) => {
  const dir = scratch(t);
  const next = rng(74);
  for (const [i, read] of READS.entries()) {
    const password = `Pw${Math.floor(next() * 1e9).toString(36)}Secret`;
    const file = writeRunbook(dir, `peek-${i}`, `name: peek\ntitle: peek\nsteps:\n  - id: look\n    shell: "${read.replace(/"/g, '\\"')}"\n    on: { error: done }\n  - { id: done, end: resolved, message: listed }\n`);
    for (const mode of [[], ['--dry-run']]) {
      const transcript = join(dir, `t${i}-${mode.length}.jsonl`);
      const r = await cli(['run', file, '--plain', ...mode, '--transcript', transcript], { env: { DATABASE_URL: `postgres://app:${password}@127.0.0.1:5432/app`, RUNBOOK_SIGNING_KEY: `sk-${password}` } });
      assert.match(r.stdout, /start +look/, r.stdout + r.stderr);
      const seen = `${r.stdout}${r.stderr}${readFileSync(transcript, 'utf8')}`;
      assert.ok(!seen.includes(rot13(password)) && !seen.includes(password), `${read} ${mode.join(' ') || 'real'}: the engine's environment was read`);
    }
  }
});
