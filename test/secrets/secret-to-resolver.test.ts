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
    assert.ok(!parseRunbook(runbook(shell, false), 'dns.yaml').diagnostics.some((d) => d.code === 'secret-leaves-machine'), `${shell} with a plain input`);
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
