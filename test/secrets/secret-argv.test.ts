// A probe of stop 70: a proven read `tail -F -- /x/${{ inputs.tok }}` (tail keeps its arguments on this machine)
// put the secret on tail's command line, which every local user reads in /proc/<pid>/cmdline. In a proven read a
// secret now goes into the words of bash's own echo, printf and test only (their arguments are no process's
// command line), and to other programs down a pipe. Shown with /proc itself as the oracle: the command lines of
// every process, sampled while a step runs, hold the secret for the refused shape (run gated, as the author may)
// and never for the allowed one; and generated over every allowlisted program, validate refuses the secret in its
// arguments and allows it on its input.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { parseRunbook } from '../../src/language/runbook.js';
import { KEEPS_ARGUMENTS_HERE } from '../../src/language/shell-secret-sinks.js';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const SECRET = 'k9vsecretargv';
const runbook = (shell: string, destructive = false) => `name: argv
title: Argv
inputs:
  tok: { type: string, secret: true, default: "${SECRET}" }
steps:
  - id: look
    title: look${destructive ? '\n    destructive: true' : ''}
    shell: ${JSON.stringify(shell)}
    next: done
  - { id: done, end: resolved }
`;
const BUILTINS = new Set(['echo', 'printf', 'test', '[', 'true', 'false', ':']);

/** Every process's command line that holds the secret, sampled until `until` resolves. */
async function commandLinesWithSecret(until: Promise<unknown>): Promise<string[]> {
  const seen = new Set<string>();
  let done = false;
  void until.finally(() => { done = true; });
  while (!done) {
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const cmd = readFileSync(join('/proc', pid, 'cmdline'), 'latin1');
        if (cmd.includes(SECRET)) seen.add(cmd.replace(/\0/g, ' ').trim());
      } catch { /* gone */ }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return [...seen];
}

test('validate: a secret in the arguments of any program but bash\'s own is refused; on its input it is not', () => {
  const installed = [...KEEPS_ARGUMENTS_HERE].filter((p) => /^[a-z0-9]+$/.test(p) && spawnSync('bash', ['-c', `type -t ${p}`]).status === 0);
  assert.ok(installed.length > 30, installed.join(' '));
  for (const p of installed) {
    const codes = parseRunbook(runbook(`${p} -- "\${{ inputs.tok }}"`), 'argv.yaml').diagnostics.filter((d) => d.code === 'secret-leaves-machine');
    if (BUILTINS.has(p)) assert.deepEqual(codes, [], `${p} (bash's own)`);
    else assert.match(codes[0]?.message ?? '', /on its command line, which every local user can read/, p);
    const piped = parseRunbook(runbook(`printf '%s\\n' "\${{ inputs.tok }}" | ${p} -- /dev/null`), 'argv.yaml').diagnostics.filter((d) => d.code === 'secret-leaves-machine');
    assert.deepEqual(piped, [], `${p} on its input`);
  }
});

test('/proc: the secret is on a command line in the refused shape (run gated), and on none in the allowed one', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const gated = writeRunbook(dir, 'gated', runbook('timeout 2 tail -F -- "/nonexistent/${{ inputs.tok }}"', true));
  const leak = await commandLinesWithSecret(cli(['run', gated, '--plain', '--yes', '--no-transcript']));
  assert.ok(leak.some((c) => c.startsWith('tail ')), `the oracle sees tail's command line: ${JSON.stringify(leak)}`);
  const piped = writeRunbook(dir, 'piped', runbook('printf \'%s\\n\' "${{ inputs.tok }}" | grep -c k9v; sleep 1'));
  const run = cli(['run', piped, '--plain', '--no-transcript']);
  const seen = await commandLinesWithSecret(run);
  const r = await run;
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /ok\s+look/);
  assert.deepEqual(seen, [], 'a command line held the secret');
});
