// socket-access end to end, for real (#31): root opens any socket, so the client runs as another OS user (nobody,
// the lab's InjectedFault.clientUser) against a lab server's socket it may not use: on PostgreSQL the socket file's
// mode (unix_socket_permissions 0700), on MariaDB the server's own directory (0700). connect() gets EACCES;
// `diagnose --json` names socket-access and the refused runbook, and the refused runbook (plain) reaches its
// socket-access advice with what it found on the socket.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { injectFault, type InjectedFault, type LabEngine } from '../../src/lab/index.js';
import { checkoutUsableBy, NOBODY } from '../helpers/access.js';
import { BIN } from '../helpers/cli.js';
import { CLI_KILL_MS } from '../helpers/limits.js';
import { myQuery, pgQuery } from '../lab/helpers.js';
import { readEvents, type CliResult } from '../runbooks/helpers.js';

const isRoot = process.getuid?.() === 0;
const skip = !isRoot ? 'needs root to run the client as another OS user'
  : !checkoutUsableBy(NOBODY) ? 'this checkout is not readable by nobody (a private parent directory)' : false;

/** The real CLI as `user`, with a home of its own (state files, transcripts); `input` answers plain mode's questions. */
function runCliAs(user: { uid: number; gid: number }, home: string, args: string[], input = ''): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: home, uid: user.uid, gid: user.gid, stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, HOME: home, NO_COLOR: '1' },
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.stdin.on('error', () => undefined); // the run may end before reading every answer
    child.stdin.end(input);
    const timer = setTimeout(() => child.kill('SIGKILL'), CLI_KILL_MS); // a hang guard (limits.ts)
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

for (const engine of ['postgres', 'mariadb'] as LabEngine[]) {
  describe(`socket-access on ${engine}`, { skip }, () => {
    let fault: InjectedFault;
    let home: string;
    before(async () => {
      fault = await injectFault('socket-access', engine);
      home = mkdtempSync(join(tmpdir(), 'runbook-socket-access-'));
      chownSync(home, fault.clientUser!.uid, fault.clientUser!.gid);
    });
    after(async () => { await fault?.cleanup(); if (home) rmSync(home, { recursive: true, force: true }); });

    it('the lab: root logs in over the socket; the fault is the client\'s OS user', async () => {
      assert.equal(fault.clientUser?.name, 'nobody');
      const rows = engine === 'postgres' ? await pgQuery(fault.url, 'SELECT 1 AS ok') : await myQuery(fault.url, 'SELECT 1 AS ok');
      assert.equal(rows[0]?.['ok'], 1);
    });

    it('`diagnose --json` as nobody names socket-access and the refused runbook', async () => {
      const r = await runCliAs(fault.clientUser!, home, ['diagnose', fault.url, '--json', '--timeout', '30s']);
      assert.equal(r.code, 1, r.stderr);
      const out = JSON.parse(r.stdout) as { classification: string; scenario: string; runbook: string; checks: { layer: string; status: string; summary: string }[] };
      assert.deepEqual([out.classification, out.scenario, out.runbook], ['socket-access', 'socket-access', 'refused']);
      const failed = out.checks.find((c) => c.status === 'failed');
      assert.equal(failed?.layer, 'tcp');
      assert.match(failed?.summary ?? '', /^socket-access: connect EACCES \/.*(\.s\.PGSQL\.\d+|mysqld\.sock)$/);
      assert.ok(!r.stdout.includes(fault.server!.appPassword), 'no password');
    });

    // MariaDB's socket is behind a directory nobody may enter: the socket-file step names that directory first.
    it('`runbook run refused --plain` as nobody reaches its socket-access advice', async () => {
      const transcript = join(home, 'refused.jsonl');
      const r = await runCliAs(fault.clientUser!, home, ['run', 'refused', '--plain', '--transcript', transcript, '--input', `url=${fault.url}`], 'cannot\n');
      const events = readEvents(transcript);
      const started = events.filter((e) => e.type === 'step-started').map((e) => e.stepId);
      assert.deepEqual(started, ['resolve', 'runtime', 'listening', 'socket-file', 'socket-access'], r.stdout + r.stderr);
      const listening = events.find((e) => e.type === 'step-finished' && e.stepId === 'listening') as { result?: { classification?: string } } | undefined;
      assert.equal(listening?.result?.classification, 'socket-access');
      const asked = events.find((e) => e.type === 'question-asked' && (e as { question?: { stepId?: string } }).question?.stepId === 'socket-access') as
        { question?: { action?: { instructions?: string } } } | undefined;
      const advice = asked?.question?.action?.instructions ?? '';
      // What the socket-file step found, as nobody: the file's mode (PostgreSQL) or a directory it may not enter (MariaDB).
      assert.match(advice, engine === 'postgres' ? /access=denied: nobody may not write to the socket/ : /access=denied: nobody may not enter \//);
      assert.match(advice, /unix_socket_permissions|socket's directory/);
      assert.equal(events.find((e) => e.type === 'run-finished')?.outcome, 'escalate');
      assert.equal(r.code, 1, r.stdout + r.stderr);
    });
  });
}
