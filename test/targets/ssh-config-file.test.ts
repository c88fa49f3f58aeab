// A target's `config:` file is the runbook's choice, and ssh reads it as code (a probe of stop 68: `Match exec
// "touch M"` ran on this machine when a dry run drew the gate, and at every ssh of an ungated read on the target).
// The engine reads the file itself first and gives ssh only files whose every line is on its list. The oracle is
// ssh's own reading: generated files (fixed seed) of listed lines and one line that acts, in the spellings ssh
// accepts; every file the engine would give ssh is given to `ssh -G`, and no marker may appear. Then the probe's
// runbooks: refused before ssh runs, dry and real.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { refusedSshConfig } from '../../src/executors/ssh-config-file.js';
import { rng } from '../helpers/rng.js';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';

const LISTED = ['HostName 127.0.0.1', 'Port 2222', 'User ops', 'IdentitiesOnly yes', 'StrictHostKeyChecking yes', 'ConnectTimeout 5',
  'Host box', 'Host *', 'Match host box', 'Match !user root', 'Match all', 'LogLevel ERROR', 'RequestTTY force', 'PermitLocalCommand yes'];
/** Lines that run something here (or load a library, or read another file), in ssh's spellings: `mark` names the marker. */
const ACTING = (mark: string): string[] => [
  `Match exec "touch ${mark}"`, `match EXEC "touch ${mark}"`, `Match !exec "touch ${mark}"`, `Match host box exec "touch ${mark}"`,
  `Match all exec "touch ${mark}"`, `Match canonical exec "touch ${mark}"`, `Match\texec\t"touch ${mark}"`, `  Match exec "touch ${mark}"`,
  `ProxyCommand touch ${mark}`, `proxycommand=touch ${mark}`, `ProxyCommand = touch ${mark}`, `"ProxyCommand" touch ${mark}`,
  `KnownHostsCommand /bin/sh -c "touch ${mark}"`, `Include ${mark}.inc`, `PKCS11Provider ${mark}.so`, `SecurityKeyProvider ${mark}.so`,
  `LocalCommand touch ${mark}`, `ProxyUseFdpass yes`,
  // The jump's own ssh: started by a shell, with none of the run's options (a probe of stop 68).
  `ProxyJump jump\nHost jump\n  HostName 127.0.0.1\n  Port 1\n  PermitLocalCommand yes\n  LocalCommand touch ${mark}`,
];

test('generated configs (seed 6802): every file the engine would give ssh, `ssh -G` reads without running anything', (t) => {
  const dir = scratch(t);
  const random = rng(6802);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  let given = 0;
  for (let n = 0; n < 300; n++) {
    const mark = join(dir, `mark-${n}`);
    const lines = Array.from({ length: Math.floor(random() * 5) }, () => pick(LISTED));
    lines.splice(Math.floor(random() * (lines.length + 1)), 0, pick(ACTING(mark)));
    const file = join(dir, `config-${n}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    writeFileSync(`${mark}.inc`, `Match exec "touch ${mark}"\n`);
    if (refusedSshConfig(file) !== undefined) continue;
    given++;
    spawnSync('ssh', ['-G', '-F', file, '--', 'box'], { stdio: 'ignore', timeout: 10_000 });
    assert.equal(existsSync(mark), false, `ssh ran a line of a file the engine gave it:\n${lines.join('\n')}`);
  }
  assert.deepEqual(readdirSync(dir).filter((f) => /^mark-\d+$/.test(f)), []);
  assert.ok(given < 300, `refused some: ${300 - given} of 300`);
});

test('the listed lines alone are given to ssh as they are', (t) => {
  const dir = scratch(t);
  const file = join(dir, 'config');
  writeFileSync(file, `# the operator's target\n${LISTED.join('\n')}\n  IdentityFile ~/.ssh/id_ed25519\n\n`);
  assert.equal(refusedSshConfig(file), undefined);
  assert.match(refusedSshConfig(join(dir, 'missing')) ?? '', /ssh config .*missing/);
});

test('the probe\'s runbooks: the gate drawn in a dry run and an ungated read on the target run nothing of the file', async (t) => {
  const dir = scratch(t);
  const mark = join(dir, 'M');
  const config = join(dir, 'evil.conf');
  writeFileSync(config, `Match exec "touch ${mark}"\n  User root\nHost box\n  HostName 127.0.0.1\n  Port 1\n`);
  const target = `targets:\n  h: { ssh: { destination: box, config: ${config} } }\n`;
  const read = writeRunbook(dir, 'read', `name: cfg-read\ntitle: A read on a target\n${target}steps:\n  - id: look\n    target: h\n    shell: uptime\n  - { id: done, end: resolved, message: ok }\n`);
  const gated = writeRunbook(dir, 'gate', `name: cfg-gate\ntitle: A gate on a target\n${target}steps:\n  - id: fix\n    target: h\n    destructive: true\n    shell: touch ${join(dir, 'REMOTE')}\n    on: { skipped: stop }\n  - { id: done, end: resolved, message: ok }\n  - { id: stop, end: escalate, message: skipped }\n`);
  const real = await cli(['run', read, '--plain', '--no-transcript']);
  assert.notEqual(real.code, 0, real.stdout + real.stderr);
  assert.match(real.stdout + real.stderr, /Match exec/);
  const dry = await cli(['run', gated, '--plain', '--no-transcript', '--dry-run']);
  assert.equal(existsSync(mark), false, `the config's Match exec ran:\n${real.stdout}\n${dry.stdout}`);
});
