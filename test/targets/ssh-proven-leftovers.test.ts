// A proven read on an SSH target (a probe of stop 69): the protections a local proven read has were not applied
// there. `yes | timeout -s KILL 3 sort -S 1M | head -n 1` left thousands of sort's spill files in the target's
// TMPDIR; `timeout -s KILL 1 timeout 287 sleep 287` left sleep running there after the run (timeout moves its
// child to a group of its own). Now the wrapper gives a proven read its own TMPDIR there and removes it, and at
// the step's end ends whatever is left in the session sshd made for it, saying so.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';
import { SSHD, startSshd, type Sshd } from './sshd.js';

let sshd: Sshd;
/** The target account's TMPDIR (its environment there). */
const TARGET_TMP = mkdtempSync(join(tmpdir(), 'runbook-target-tmp-'));
before(async () => { sshd = await startSshd({ setEnv: { TMPDIR: TARGET_TMP } }); });
after(async () => { await sshd?.stop(); rmSync(TARGET_TMP, { recursive: true, force: true }); });

const runbook = (shell: string) => `name: remote
title: A proven read on a target
inputs:
  config: { required: true }
targets:
  host: { ssh: { destination: runbook-sshd, config: "\${{ inputs.config }}" } }
steps:
  - id: look
    target: host
    timeout: 30s
    shell: ${JSON.stringify(shell)}
    next: done
    on: { error: done }
  - { id: done, end: resolved }
`;

const sleeping = (marker: string) => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
  try { return readFileSync(`/proc/${p}/cmdline`, 'latin1').replace(/\0/g, ' ').includes(marker); } catch { return false; }
});

describe('a proven read on an SSH target', { skip: !existsSync(SSHD) && 'openssh-server is not installed', concurrency: true }, () => {
  it('sort spills into a TMPDIR of its own there, removed when the step ends', async (t) => {
    const dir = scratch(t);
    const file = writeRunbook(dir, 'sort', runbook('yes | timeout -s KILL 3 sort -S 1M | head -n 1'));
    const r = await cli(['run', file, '--plain', '--no-transcript', '-i', `config=${sshd.config}`]);
    assert.match(r.stdout + r.stderr, /FAILED\s+look .*exit code 137/, r.stdout + r.stderr); // it ran, and sort was killed
    // The steps' lock records stay there by design (remote-wrapper.ts); nothing else may.
    assert.deepEqual(readdirSync(TARGET_TMP).filter((f) => !f.startsWith('runbook-step-')), [], 'sort\'s files (or the step\'s directory) were left in the target\'s TMPDIR');
  });

  it('a process that left the step\'s group is ended with the step, and the output says so', async (t) => {
    const dir = scratch(t);
    const marker = String(200 + Math.floor(Math.random() * 700));
    const file = writeRunbook(dir, 'left', runbook(`timeout -s KILL 1 timeout ${marker} sleep ${marker} >/dev/null 2>&1 || true`));
    const r = await cli(['run', file, '--plain', '--no-transcript', '-i', `config=${sshd.config}`]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /left processes running in its session; they were ended/);
    await new Promise((res) => setTimeout(res, 300));
    assert.deepEqual(sleeping(`sleep ${marker}`), [], `sleep ${marker} still runs on the target`);
  });
});

// Probes of stop 71. (1) The wrapper runs a proven read in its own shell, whose exit trap reads __runbook_tmp,
// __runbook_watch and __runbook_lock: `printf -v __runbook_tmp %s DIR` had the trap remove DIR. The lint refuses
// the engine's names, and the trap's state is read-only to the step (here a gated step tries). (2) The runbook's
// config: file asked for ForwardAgent (the operator's agent usable there) and UpdateHostKeys (a known_hosts file
// it named rewritten): every ssh of a run now says no to both.
describe('the wrapper\'s state and the operator\'s agent on an SSH target', { skip: !existsSync(SSHD) && 'openssh-server is not installed', concurrency: true }, () => {
  it('a step that sets the wrapper\'s own variables: refused by validate; gated, it fails and the trap does nothing else', async (t) => {
    const dir = scratch(t);
    for (const name of ['__runbook_tmp', '__runbook_watch', '__runbook_lock', '__runbook_step']) {
      const victim = mkdtempSync(join(tmpdir(), 'runbook-victim-'));
      const shell = `printf -v ${name} %s ${victim}`;
      const proven = writeRunbook(dir, `p${name}`, runbook(shell));
      const v = await cli(['validate', proven]);
      assert.notEqual(v.code, 0, `${shell}: validate accepted it`);
      const gated = writeRunbook(dir, `g${name}`, runbook(shell).replace('    target: host\n', '    target: host\n    destructive: true\n'));
      const r = await cli(['run', gated, '--plain', '--no-transcript', '--yes', '-i', `config=${sshd.config}`]);
      assert.match(r.stdout + r.stderr, /readonly|FAILED\s+look/, `${shell}: ${r.stdout}${r.stderr}`);
      assert.ok(existsSync(victim), `${shell}: the trap removed ${victim}`);
      rmSync(victim, { recursive: true, force: true });
    }
  });

  it('ForwardAgent and UpdateHostKeys in the runbook\'s config: no agent there, no known_hosts file rewritten', async (t) => {
    const dir = scratch(t);
    const agent = spawnSync('ssh-agent', ['-s'], { encoding: 'utf8' });
    const sock = /SSH_AUTH_SOCK=([^;]+);/.exec(agent.stdout)?.[1];
    const pid = /SSH_AGENT_PID=(\d+);/.exec(agent.stdout)?.[1];
    assert.ok(sock && pid, agent.stdout + agent.stderr);
    try {
      const config = sshd.clientConfig({ ForwardAgent: 'yes', UpdateHostKeys: 'yes' });
      const known = readFileSync(join(sshd.dir, 'known_hosts'), 'utf8');
      const file = writeRunbook(dir, 'agent', runbook('printenv SSH_AUTH_SOCK; echo checked'));
      const r = await cli(['run', file, '--plain', '--no-transcript', '-i', `config=${config}`], { env: { SSH_AUTH_SOCK: sock } });
      assert.match(r.stdout, /checked/, r.stdout + r.stderr);
      assert.doesNotMatch(r.stdout, /\| \/tmp\/ssh-/, `the agent was forwarded:\n${r.stdout}`);
      assert.equal(readFileSync(join(sshd.dir, 'known_hosts'), 'utf8'), known, 'known_hosts was rewritten');
    } finally { process.kill(Number(pid)); }
  });
});
