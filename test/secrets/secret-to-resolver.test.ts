// A secret in a proven read goes only to programs that keep their arguments on this machine (a probe of stop 69:
// `lsof -i "@${{ secret }}.example"`, `ss -- dst …` and `ping …` sent a secret input to the DNS resolver, a dry
// run too). The oracle is a resolver the test runs on 127.0.0.1:53 of a network namespace it made, with the
// namespace's /etc/resolv.conf pointing at it: it logs every name it is asked for. The programs themselves show
// that they ask (so the harness sees a leak), the engine's runs of them send nothing, and every allowlisted
// program that is installed, given the secret in each of the generated argument shapes, asks nothing either.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, scratch, writeRunbook } from '../hardening/helpers.js';
import { parseRunbook } from '../../src/language/runbook.js';
import { KEEPS_ARGUMENTS_HERE } from '../../src/language/shell-secret-sinks.js';
import { READS } from '../../src/language/validate/read-commands.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const DNS = join(import.meta.dirname, 'fixtures', 'dns-log.mjs');
const SECRET = 'q7zsecretlabel';

/** Runs `script` (bash) in a fresh network namespace whose resolver logs names; returns the names asked. */
function namesAsked(script: string): string[] {
  const d = mkdtempSync(join(tmpdir(), 'runbook-dns-'));
  try {
    writeFileSync(join(d, 'resolv.conf'), 'nameserver 127.0.0.1\noptions attempts:1 timeout:1\n');
    writeFileSync(join(d, 'log'), '');
    writeFileSync(join(d, 'run.sh'), script);
    const inner = `ip link set lo up && mount --bind ${d}/resolv.conf /etc/resolv.conf && { ${process.execPath} ${DNS} ${d}/log ${d}/ready & }
      for i in $(seq 100); do [ -e ${d}/ready ] && break; sleep 0.05; done; bash ${d}/run.sh >/dev/null 2>&1 </dev/null; kill %1`;
    const r = spawnSync('unshare', ['--net', '--mount', '--fork', 'bash', '-c', inner], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    return readFileSync(join(d, 'log'), 'utf8').split('\n').filter(Boolean);
  } finally { rmSync(d, { recursive: true, force: true }); }
}

const runbook = (shell: string, secret = true) => `name: dns
title: DNS
inputs:
  tok: { type: string, secret: ${secret}, default: "${SECRET}" }
steps:
  - id: look
    title: look
    shell: ${JSON.stringify(shell)}
    next: done
  - { id: done, end: resolved }
`;

const LEAKING = ['lsof -n -i "@${{ inputs.tok }}.example"', 'ss -tn -- dst "${{ inputs.tok }}.example"',
  // Down a pipe: printf is allowed the secret, and xargs makes what it prints lsof's arguments (round 2).
  "printf -- '-i@%s.example\\n' \"${{ inputs.tok }}\" | xargs lsof -n -P"];

test('the programs ask the resolver for a name given them (the harness sees a leak)', { timeout: E2E_TEST_LIMIT_MS }, () => {
  const asked = namesAsked(LEAKING.map((s) => s.replace('${{ inputs.tok }}', SECRET)).join('\n'));
  assert.ok(asked.some((n) => n.includes(SECRET)), `lsof/ss asked nothing: ${asked.join(', ')}`);
});

test('a secret given to them: validate refuses, and neither a dry run nor a real run sends it', { timeout: E2E_TEST_LIMIT_MS }, (t) => {
  const dir = scratch(t);
  for (const [i, shell] of LEAKING.entries()) {
    const { diagnostics } = parseRunbook(runbook(shell), 'dns.yaml');
    assert.ok(diagnostics.some((d) => d.code === 'secret-leaves-machine'), `${shell}: ${diagnostics.map((d) => d.message).join('; ')}`);
    // With a plain input it is a read, unless a pipe feeds a program that sends (xargs): refused whatever it carries.
    if (!shell.includes('|')) assert.ok(!parseRunbook(runbook(shell, false), 'dns.yaml').diagnostics.some((d) => d.code === 'secret-leaves-machine'), `${shell} with a plain input`);
    const file = writeRunbook(dir, `dns${i}`, runbook(shell));
    const asked = namesAsked([`${process.execPath} ${BIN} run ${file} --plain --dry-run --yes --no-transcript`,
      `${process.execPath} ${BIN} run ${file} --plain --no-transcript`].join('\n'));
    assert.deepEqual(asked.filter((n) => n.includes(SECRET)), [], `${shell}: the secret went to the resolver`);
  }
  // The same step given a plain input runs, and asks: the engine's runs in this namespace do reach the resolver.
  const plain = writeRunbook(dir, 'plain', runbook(LEAKING[0]!, false));
  assert.ok(namesAsked(`${process.execPath} ${BIN} run ${plain} --plain --no-transcript`).some((n) => n.includes(SECRET)), 'the plain run asked nothing');
});

/** Argument shapes a program is given the secret in: an operand, after --, a name, a path, an option's value. */
const SHAPES = ['"$S.example"', '-- "$S.example"', '"@$S.example"', '"/net/$S.example/x"', '"$S.example:5432"', '-e "$S.example"'];

test('every allowlisted program, given a secret in each shape, asks the resolver nothing', { timeout: E2E_TEST_LIMIT_MS }, () => {
  const installed = [...KEEPS_ARGUMENTS_HERE].filter((p) => /^[a-z0-9]+$/.test(p) && spawnSync('bash', ['-c', `type -t ${p}`]).status === 0);
  assert.ok(installed.length > 30, `installed: ${installed.join(' ')}`);
  const lines = [`S=${SECRET}`];
  // Bounded (`yes` never ends: head closes its pipe).
  for (const p of installed) for (const shape of SHAPES) lines.push(`timeout 2 ${p} ${shape} </dev/null 2>&1 | head -c 4096 >/dev/null`);
  const asked = namesAsked(lines.join('\n'));
  assert.deepEqual(asked.filter((n) => n.includes(SECRET)), []);
  // Every reviewed read that is not on the allowlist is refused one at validate.
  for (const p of Object.keys(READS).filter((p) => !KEEPS_ARGUMENTS_HERE.has(p))) {
    const { diagnostics } = parseRunbook(runbook(`${p} -- "\${{ inputs.tok }}"`), 'dns.yaml');
    assert.ok(diagnostics.some((d) => d.code === 'secret-leaves-machine') || diagnostics.some((d) => d.severity === 'error'), `${p}: ${diagnostics.map((d) => d.message).join('; ')}`);
  }
});

// A probe of stop 71: the taint began only at `${{ }}` words, so a secret that reached a pipe another way went
// through — a value of the step's `env:` printed by printenv, the operator's own variable, a password file read by
// sed — to `ss -F -` (which asked the resolver) or `xargs` (a command line every user reads). What comes down a
// pipe or from a file is now taken for a secret's: only programs that keep it here read it in a proven read.
test('data the engine does not see (env:, the operator\'s environment, a file), down a pipe to a program that sends: refused, and no run sends it', { timeout: E2E_TEST_LIMIT_MS }, (t) => {
  const dir = scratch(t);
  const file = join(dir, 'pgpass');
  writeFileSync(file, `127.0.0.1:5432:app:app:${SECRET}\n`, { mode: 0o600 });
  const SOURCES = ['printenv tok', 'printenv OPTOK', `sed -n 's/^.*://p' ${file}`, `cut -d: -f5 ${file}`];
  const SINKS = ["sed 's/^/dst /;s/$/.example/' | ss -tn -F -", "sed 's/^/-i@/;s/$/.example/' | xargs lsof -n -P", "sed 's/$/.example/' | xargs tail -F --"];
  for (const [i, source] of SOURCES.entries()) {
    for (const [j, sink] of SINKS.entries()) {
      const shell = `${source} | ${sink}`;
      const yaml = `name: dns\ntitle: DNS\ninputs:\n  tok: { type: string, secret: true, default: "${SECRET}" }\nsteps:\n  - id: look\n    title: look\n    timeout: 3s\n    shell:\n      env: { tok: "\${{ inputs.tok }}" }\n      run: ${JSON.stringify(shell)}\n    next: done\n    on: { failed: done }\n  - { id: done, end: resolved }\n`;
      const { diagnostics } = parseRunbook(yaml, 'dns.yaml');
      assert.ok(diagnostics.some((d) => d.code === 'secret-leaves-machine' && /on its input \(a pipe or a file\)/.test(d.message)), `${shell}: ${diagnostics.map((d) => d.message).join('; ')}`);
      if (j === 1) continue; // xargs lsof: the same refusal; two sinks a source are enough for the runs
      const rb = writeRunbook(dir, `pipe${i}-${j}`, yaml);
      const asked = namesAsked([`OPTOK=${SECRET} ${process.execPath} ${BIN} run ${rb} --plain --dry-run --yes --no-transcript`,
        `OPTOK=${SECRET} ${process.execPath} ${BIN} run ${rb} --plain --no-transcript`].join('\n'));
      assert.deepEqual(asked.filter((n) => n.includes(SECRET)), [], `${shell}: the secret went to the resolver`);
    }
  }
  // Round 3: xargs read a file itself (-a/--arg-file) and made it tail's command line; no longer a reviewed option.
  for (const shell of ['xargs -0 -a /proc/self/environ tail -n0 -F -- /etc/hostname', 'xargs --arg-file=/proc/self/environ -0 tail -F --']) {
    const yaml = `name: argv\ntitle: Argv\ninputs:\n  tok: { type: string, secret: true, default: "${SECRET}" }\nsteps:\n  - id: look\n    shell:\n      env: { tok: "\${{ inputs.tok }}" }\n      run: ${JSON.stringify(shell)}\n    next: done\n  - { id: done, end: resolved }\n`;
    assert.ok(parseRunbook(yaml, 'argv.yaml').diagnostics.some((d) => d.severity === 'error'), `${shell}: accepted as a proven read`);
  }
  // The harness sees such a pipe leak when bash runs it.
  assert.ok(namesAsked(`OPTOK=${SECRET} bash -c "printenv OPTOK | ${SINKS[0]!.replace(/"/g, '\\"')}"`).some((n) => n.includes(SECRET)), 'ss asked nothing');
});
