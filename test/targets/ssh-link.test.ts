// The link to an SSH target (issue #30), on real sshds on loopback: an sshd lost mid-step is target-unreachable
// with the master connection's own reason (the step's client only exits 255, saying nothing); a destination
// written `user@host:port` or `ssh://user@host:port` reaches that port; a resume under another alias for the
// same login and host key goes on with --retarget (another input value needs it), and the target identified is the
// same (the target is its login and key, not the name it was reached by).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, finished, scratch, transcriptLines, until, writeRunbook } from '../hardening/helpers.js';
import { killedStepsGone } from '../helpers/killed-run.js';
import { procStat } from '../../src/executors/supervise.js';
import { SSHD, startSshd, type Sshd } from './sshd.js';

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
    assert.match(message, /^target-unreachable: the connection to ssh \S+@127\.0\.0\.1:\d+ was lost while the step ran: the server closed the connection/, message);
    assert.doesNotMatch(message, /exit code 255/);
  });

  /** A client config that trusts the server's key for any name, and the given aliases for its address. */
  function config(dir: string, server: Sshd, aliases: string[] = []): string {
    const file = join(dir, 'ssh_config');
    writeFileSync(file, [...aliases.flatMap((a) => [`Host ${a}`, '  HostName 127.0.0.1', `  Port ${server.port}`]), 'Host *',
      `  IdentityFile ${join(server.dir, 'client_key')}`, '  IdentitiesOnly yes', `  UserKnownHostsFile ${join(server.dir, 'known_hosts')}`,
      '  GlobalKnownHostsFile /dev/null', '  StrictHostKeyChecking yes', ''].join('\n'));
    return file;
  }
  const OPTIONAL = (steps: string) => `name: optional
title: A step on db_ssh
inputs:
  db_ssh: { description: the database host }
  config: { required: true }
targets:
  db_host: { ssh: { destination: "\${{ inputs.db_ssh }}", config: "\${{ inputs.config }}" }, if: "inputs.db_ssh != null" }
steps:
${steps}`;
  const identified = (file: string) => transcriptLines(file).filter((l) => l.type === 'target-identified' && l.connection === 'target:db_host')
    .map((l) => (l as unknown as { target: { host: string; server: string } }).target);

  for (const form of ['user@host:port', 'ssh://user@host:port'] as const) {
    it(`db_ssh=${form} reaches that port`, async (t) => {
      const server = await startSshd();
      t.after(() => server.stop());
      const dir = scratch(t);
      const transcript = join(dir, 't.jsonl');
      const destination = `${form.startsWith('ssh://') ? 'ssh://' : ''}${server.user}@127.0.0.1:${server.port}`;
      const steps = '  - id: remote\n    destructive: false\n    safe_because: prints where it ran\n    target: db_host\n    shell: \'echo "over-${SSH_CONNECTION##* }"\'\n  - id: done\n    end: resolved\n    message: "${{ steps.remote.output }}"\n';
      const r = await cli(['run', writeRunbook(dir, 'optional', OPTIONAL(steps)), '--plain', '--transcript', transcript,
        '-i', `db_ssh=${destination}`, '-i', `config=${config(dir, server)}`]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(finished(transcriptLines(transcript))!.message!, new RegExp(`over-${server.port}$`));
      assert.equal(identified(transcript)[0]?.host, `ssh ${server.user}@127.0.0.1:${server.port}`);
    });
  }

  it('a resume under another alias for the same login and host key goes on', async (t) => {
    const server = await startSshd();
    t.after(() => server.stop());
    const dir = scratch(t);
    const out = join(dir, 'out');
    const SAFE = "    destructive: false\n    safe_because: writes only the test's own marker file\n";
    const steps = `  - id: first\n    target: db_host\n${SAFE}    shell: "echo first >> ${out}"
  - id: slow\n${SAFE}    shell: "echo slow >> ${out}; sleep $(cat ${out}.pause 2>/dev/null || echo 120)"
  - id: second\n    target: db_host\n${SAFE}    shell: "echo second >> ${out}"
  - id: done\n    end: resolved\n`;
    const file = writeRunbook(dir, 'optional', OPTIONAL(steps));
    const transcript = join(dir, 't.jsonl');
    const cfg = config(dir, server, ['alias-a', 'alias-b']);
    const run = cli(['run', file, '--plain', '--transcript', transcript, '-i', 'db_ssh=alias-a', '-i', `config=${cfg}`]);
    await until(() => { try { return readFileSync(out, 'utf8').includes('slow'); } catch { return false; } }, 60_000, 'the slow step');
    run.child.kill('SIGKILL');
    await run;
    await killedStepsGone(transcript);
    writeFileSync(`${out}.pause`, '0'); // the slow step, run again, is quick (a file: a resume's environment must be the run's)
    // Another input value than the run's is refused as such, whatever it names (#46: a shell step may use it)…
    const refused = await cli(['resume', transcript, '--plain', '--approve', 'slow', '-i', 'db_ssh=alias-b']);
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /'db_ssh' has another value than the run's/);
    // …and the operator's --retarget goes on: the target, identified again, is the same login and key.
    const r = await cli(['resume', transcript, '--plain', '--retarget', '--approve', 'slow', '-i', 'db_ssh=alias-b']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(readFileSync(out, 'utf8'), 'first\nslow\nslow\nsecond\n');
    const [before, now] = identified(transcript);
    assert.equal(before?.host, `ssh ${server.user}@127.0.0.1:${server.port}`);
    assert.deepEqual(now ?? before, before, 'the same login and key');
  });
});
