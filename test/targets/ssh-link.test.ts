// The link to an SSH target (issue #30), on real sshds on loopback: an sshd lost mid-step is target-unreachable
// with the master connection's own reason (the step's client only exits 255, saying nothing).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cli, finished, scratch, transcriptLines, until, writeRunbook } from '../hardening/helpers.js';
import { procStat } from '../../src/executors/supervise.js';
import { SSHD, startSshd } from './sshd.js';

/** The server's listener and every process under it: sshd and its per-connection processes. */
function sshdTree(root: number): number[] {
  const all = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map((p) => procStat(p)).filter((s) => s !== undefined);
  const tree = [root];
  for (let grew = true; grew;) {
    grew = false;
    for (const s of all) if (tree.includes(s.ppid) && !tree.includes(s.pid) && /^sshd/.test(s.comm)) { tree.push(s.pid); grew = true; }
  }
  return tree;
}

describe('the link to an SSH target', { skip: !existsSync(SSHD) && 'openssh-server is not installed', concurrency: true }, () => {
  it('sshd killed mid-step: target-unreachable with the master\'s reason, not "other" exit code 255', async (t) => {
    const server = await startSshd();
    t.after(() => server.stop().catch(() => undefined));
    const dir = scratch(t);
    const out = join(dir, 'out');
    const transcript = join(dir, 't.jsonl');
    const file = writeRunbook(dir, 'remote', `name: remote
title: A step whose sshd goes away
inputs:
  config: { required: true }
targets:
  db_host: { ssh: { destination: runbook-sshd, config: "\${{ inputs.config }}" } }
steps:
  - id: remote
    target: db_host
    destructive: false
    safe_because: writes only the test's own marker file
    shell: "echo started > ${out}; sleep 300"
    on: { target-unreachable: lost }
  - id: lost
    end: escalate
    message: "\${{ steps.remote.classification }}: \${{ steps.remote.error }}"
`);
    const run = cli(['run', file, '--plain', '--transcript', transcript, '-i', `config=${server.config}`]);
    await until(() => existsSync(out) || undefined, 60_000, 'the step to start there');
    const listener = Number(readFileSync(join(server.dir, 'sshd.pid'), 'utf8'));
    for (const pid of sshdTree(listener)) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    const r = await run;
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const message = finished(transcriptLines(transcript))!.message!;
    assert.match(message, /^target-unreachable: the connection to ssh runbook-sshd .* was lost while the step ran: the server closed the connection/, message);
    assert.doesNotMatch(message, /exit code 255/);
  });
});
