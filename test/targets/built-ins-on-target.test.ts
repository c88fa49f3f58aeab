// The built-ins' host-side steps on the database host (issue #19), end to end: a real sshd on loopback that the
// test starts, the lab's real PostgreSQL, and the shipped runbooks. The sshd runs on this machine, so what the
// steps read there (the lab server's processes, its listening socket) is checked against the lab's own facts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cli, finished, scratch, transcriptLines, type Line } from '../hardening/helpers.js';
import { startServer, type LabServer } from '../../src/lab/index.js';
import { SSHD, startSshd, type Sshd } from './sshd.js';

let sshd: Sshd;
let pg: LabServer;
const skip = !existsSync(SSHD) && 'openssh-server is not installed';
before(async () => { if (!skip) [sshd, pg] = await Promise.all([startSshd(), startServer('postgres')]); });
after(async () => { await Promise.all([sshd?.stop(), pg?.stop()]); });

const started = (lines: Line[], id: string) => lines.find((l) => l.type === 'step-started' && l.stepId === id) as { where?: string } | undefined;
const output = (lines: Line[], id: string) =>
  (lines.find((l) => l.type === 'step-finished' && l.stepId === id) as unknown as { result: { stdout?: string } } | undefined)?.result.stdout ?? '';
const ON_SSHD = 'ssh runbook-sshd [target db_host]';

describe('built-in runbooks with db_ssh, on a real sshd, against the lab PostgreSQL', { skip, concurrency: true }, () => {
  it('db-host: every host-side step runs there and sees the lab server listening on loopback', async (t) => {
    const transcript = join(scratch(t), 't.jsonl');
    const r = await cli(['run', 'db-host', '--plain', '--transcript', transcript,
      '-i', 'db_ssh=runbook-sshd', '-i', `ssh_config=${sshd.config}`, '-i', `port=${pg.port}`]);
    const lines = transcriptLines(transcript);
    assert.equal(finished(lines)?.outcome, 'escalate', r.stdout + r.stderr);
    for (const id of ['where', 'service', 'listeners', 'logs', 'resources']) assert.equal(started(lines, id)?.where, ON_SSHD, id);
    assert.match(output(lines, 'service'), /state=running/);
    assert.match(output(lines, 'listeners'), new RegExp(`on port ${pg.port}: 127\\.0\\.0\\.1:${pg.port}\\nlisten=loopback`));
    assert.match(output(lines, 'listeners'), /\nprocess: users:\(\("postgres",pid=\d+/, 'a root login sees the process behind the socket');
    assert.match(finished(lines)!.message, new RegExp(`Read on runbook-sshd \\(platform \\w+\\): the database is running; port ${pg.port} listens on loopback only`));
    const id = lines.find((l) => l.type === 'target-identified' && l.connection === 'target:db_host') as { target?: { engine: string; server: string } } | undefined;
    assert.match(id?.target?.server ?? '', /^ssh host key /, 'the host key the client verified is recorded');
  });

  it('auth: a wrong password; the host evidence is read over SSH before the account checks', async (t) => {
    const transcript = join(scratch(t), 't.jsonl');
    const url = pg.url({ password: 'not-the-password' });
    const r = await cli(['run', 'auth', '--plain', '--transcript', transcript,
      '-i', `url=${url}`, '-i', 'db_ssh=runbook-sshd', '-i', `ssh_config=${sshd.config}`]);
    const lines = transcriptLines(transcript);
    const login = lines.find((l) => l.type === 'step-finished' && l.stepId === 'login') as unknown as { result: { classification: string } };
    assert.equal(login.result.classification, 'auth', r.stdout + r.stderr);
    for (const id of ['where', 'service', 'listeners', 'logs', 'resources']) assert.equal(started(lines, `host-evidence/${id}`)?.where, ON_SSHD, id);
    assert.match(output(lines, 'host-evidence/listeners'), new RegExp(`127\\.0\\.0\\.1:${pg.port}\\nlisten=loopback`), 'the port came from the URL');
    const call = lines.find((l) => l.type === 'step-finished' && l.stepId === 'host-evidence') as unknown as { result: { value: string } };
    assert.equal(call.result.value, 'escalate', 'db-host ended with its evidence');
    assert.ok(lines.some((l) => l.type === 'step-started' && l.stepId === 'account' || l.type === 'step-skipped' && l.stepId === 'account'), 'the run went on to the account checks');
  });

  it('diagnose --db-ssh: the network checks, then the host-side checks there; the exit code is the diagnosis\'s', async () => {
    const r = await cli(['diagnose', pg.url(), '--db-ssh', 'runbook-sshd', '--ssh-config', sshd.config]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Host-side checks where the database runs \(runbook db-host\)/);
    assert.match(r.stdout, /on +ssh runbook-sshd \[target db_host\]/);
    assert.match(r.stdout, new RegExp(`on port ${pg.port}: 127\\.0\\.0\\.1:${pg.port}`));
    assert.match(r.stdout, /the database is running/);
  });

  it('diagnose --json with a host flag: a clear usage error, nothing run', async () => {
    const r = await cli(['diagnose', pg.url(), '--json', '--db-ssh', 'runbook-sshd']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /the host checks \(--db-ssh, --db-pod, --db-container\) print step by step; leave out --json/);
  });

  it('refused: its service, listener and log steps run on the host and find the server bound to loopback only', async (t) => {
    // The lab server listens on 127.0.0.1 only: 127.0.0.2 is refused, although the database runs.
    const url = pg.url().replace('127.0.0.1', '127.0.0.2');
    const transcript = join(scratch(t), 't.jsonl');
    const run = cli(['run', 'refused', '--plain', '--transcript', transcript, '-i', `url=${url}`,
      '-i', 'db_ssh=runbook-sshd', '-i', `ssh_config=${sshd.config}`], { keepStdin: true });
    // Answers only to the questions on screen (whether this machine looks like a container decides the first).
    const answered = new Set<string>();
    const answer = (prompt: string, reply: string) => {
      if (!answered.has(prompt) && run.stdout().includes(prompt)) { answered.add(prompt); run.child.stdin.write(`${reply}\n`); }
    };
    const timer = setInterval(() => {
      answer('answer one of: url-is-wrong, database-runs-here', 'database-runs-here');
      answer('answer one of: url-is-wrong, changed-config, cannot', 'cannot');
    }, 50);
    const r = await run;
    clearInterval(timer);
    const lines = transcriptLines(transcript);
    assert.equal(finished(lines)?.outcome, 'escalate', r.stdout + r.stderr);
    for (const id of ['service-status', 'sockets', 'logs']) assert.equal(started(lines, id)?.where, ON_SSHD, id);
    assert.match(output(lines, 'service-status'), /state=running/);
    // The port listens on this host, on 127.0.0.1, not the URL's 127.0.0.2: other-address, not "Docker / another VM" (#35).
    assert.match(output(lines, 'sockets'), new RegExp(`on port ${pg.port}: 127\\.0\\.0\\.1:${pg.port}\\nurl-address=not-listening: 127\\.0\\.0\\.2\\nlisten=loopback`));
    assert.match(output(lines, 'sockets'), /database-like listeners:\n[^]*users:\(\("postgres"/, 'a root login sees the processes');
    assert.ok(answered.has('answer one of: url-is-wrong, changed-config, cannot'), 'reached other-address, which names the address it listens on');
    assert.ok(started(lines, 'other-address') && !started(lines, 'elsewhere'), 'other-address, not elsewhere');
    const id = lines.find((l) => l.type === 'target-identified' && l.connection === 'target:db_host') as { target?: { server: string } } | undefined;
    assert.match(id?.target?.server ?? '', /^ssh host key /);
  });

  // A login that is not root (with and without a sudoers rule): sudo-on-target.test.ts, whose tests run one after
  // another because a rule one installs changes what the next sees.

  it('without db_ssh the host-evidence step is skipped, saying why; nothing runs on this machine in its place', async (t) => {
    const transcript = join(scratch(t), 't.jsonl');
    await cli(['run', 'auth', '--plain', '--transcript', transcript, '-i', `url=${pg.url({ password: 'not-the-password' })}`]);
    const lines = transcriptLines(transcript);
    assert.ok(lines.some((l) => l.type === 'step-skipped' && l.stepId === 'host-evidence' && l.reason === 'condition'));
    assert.ok(!lines.some((l) => typeof l.stepId === 'string' && l.stepId.startsWith('host-evidence/')));
  });
});
