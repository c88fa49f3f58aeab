// The built-ins' `sudo -n` lines on the database host (issue #30), run as a login that is not root against a real
// sshd and a real sudo: Debian's postgres account logs in (the sshd uses PAM, so that a key may log in to an
// account whose password is locked), and a sudoers rule the test writes (checked with visudo -cf, a unique
// file under /etc/sudoers.d, removed after) lets it run `ss` without a password, or nothing.
//
// The tests run one after another: a rule another test installed would change what the next one sees.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { cli, finished, scratch, transcriptLines, type Line } from '../hardening/helpers.js';
import { SSHD, startSshd, type Sshd } from './sshd.js';

const ROOT = join(import.meta.dirname, '..', '..');
const which = (cmd: string): string | undefined => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim() || undefined;
const SS = which('ss');
const postgresLogin = /^postgres:[^:]*:\d+:\d+:[^:]*:[^:]*:\/bin\/(ba)?sh$/m.test(readFileSync('/etc/passwd', 'utf8'));
const skip = !existsSync(SSHD) ? 'openssh-server is not installed'
  : process.getuid?.() !== 0 ? 'needs root (to write a sudoers rule and log in as another account)'
  : !postgresLogin ? 'needs a postgres account with a shell (Debian\'s postgresql package makes one)'
  : !which('sudo') || !existsSync('/usr/sbin/visudo') ? 'sudo is not installed (.ci/run installs it)'
  : !SS ? 'ss is not installed (iproute2)' : false;

/** A sudoers rule for the postgres account, for the length of one test: checked with visudo before it is used. */
function sudoRule(t: { after(fn: () => void): void }, rule: string): void {
  const draft = join(mkdtempSync(join(tmpdir(), 'runbook-sudoers-')), 'rule');
  writeFileSync(draft, `postgres ALL=(root) ${rule}\n`, { mode: 0o440 });
  const check = spawnSync('/usr/sbin/visudo', ['-cf', draft], { encoding: 'utf8' });
  assert.equal(check.status, 0, `visudo refused the rule: ${check.stdout}${check.stderr}`);
  // No dot in the name: sudo skips files in sudoers.d whose name has one.
  const file = `/etc/sudoers.d/runbook-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  const remove = () => rmSync(file, { force: true });
  process.once('exit', remove); // a test killed midway leaves no rule behind
  copyFileSync(draft, file);
  chmodSync(file, 0o440);
  rmSync(draft, { force: true });
  t.after(remove);
}

let sshd: Sshd;
let listener: Server;
let port: number;
before(async () => {
  if (skip) return;
  sshd = await startSshd({ pam: true });
  // A socket of another account's process (this test's, as root): what ss -p shows postgres only through sudo.
  listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as { port: number }).port;
});
after(async () => { await sshd?.stop(); listener?.close(); });

const output = (lines: Line[], id: string) =>
  (lines.find((l) => l.type === 'step-finished' && l.stepId === id) as unknown as { result: { stdout?: string } } | undefined)?.result.stdout ?? '';
const result = (lines: Line[], id: string) =>
  (lines.find((l) => l.type === 'step-finished' && l.stepId === id) as unknown as { result: { status: string; exitCode?: number; stderr?: string; classification?: string; durationMs: number } } | undefined)?.result;
const asPostgres = () => sshd.clientConfig({ User: 'postgres' });

async function dbHost(t: Parameters<typeof scratch>[0]): Promise<{ lines: Line[]; said: string }> {
  const transcript = join(scratch(t), 't.jsonl');
  const r = await cli(['run', 'db-host', '--plain', '--transcript', transcript,
    '-i', 'db_ssh=runbook-sshd', '-i', `ssh_config=${asPostgres()}`, '-i', `port=${port}`]);
  const lines = transcriptLines(transcript);
  assert.ok(finished(lines), r.stdout + r.stderr);
  assert.equal(result(lines, 'listeners')?.status, 'ok', r.stdout + r.stderr);
  return { lines, said: r.stdout + r.stderr };
}

// The built-ins ask sudo for ss itself (not `sudo -n true`, which a rule for ss alone refuses).
describe('sudo -n on the database host, as a login that is not root', { skip, concurrency: false }, () => {
  for (const rule of ['NOPASSWD: ALL', `NOPASSWD: ${SS}`]) {
    it(`db-host, sudoers "${rule}": the listener list names the other account's process, read with sudo -n`, async (t) => {
      sudoRule(t, rule);
      const { lines } = await dbHost(t);
      const said = output(lines, 'listeners');
      assert.match(said, new RegExp(`on port ${port}: 127\\.0\\.0\\.1:${port}\\nlisten=loopback`));
      assert.match(said, /\(processes read with sudo -n\)/);
      assert.match(said, new RegExp(`process: users:\\(\\("node",pid=${process.pid},`), 'root\'s process, seen through sudo');
    });
  }

  it('db-host, sudo installed but no rule: says the login may not, lists what it can, never asks for a password', async (t) => {
    const { lines, said } = await dbHost(t);
    const out = output(lines, 'listeners');
    assert.match(out, /\(this login, postgres, is not root and may not use sudo -n: ss -p shows it only its own processes\)\nprocess: not visible to this login/);
    assert.doesNotMatch(out + said, /\[sudo\] password|password for postgres/i, 'no prompt');
    assert.doesNotMatch(out, /a password is required/, 'sudo\'s own refusal stays out of the evidence');
  });

  it('refused\'s start and restart lines (sudo -n systemctl restart): fail at once with sudo\'s reason, no prompt, no hang', async (t) => {
    // Not reachable in a live run here: both need systemd on the host (start-db a unit found stopped, restart-db
    // platform=systemd), and this machine runs none. So the two steps' scripts, exactly as refused.yaml has them,
    // run on the sshd as postgres, with a stand-in `systemctl` first on PATH that answers `systemctl cat` as
    // systemd would for an installed unit. sudo is the real one (it runs commands from its secure_path).
    const doc = load(readFileSync(join(ROOT, 'runbooks', 'refused.yaml'), 'utf8')) as { steps: { id: string; shell: string }[] };
    const script = (id: string) => doc.steps.find((s) => s.id === id)!.shell;
    assert.match(script('start-db'), /as_root="sudo -n"/);
    assert.match(script('restart-db'), /as_root="sudo -n"/);
    const dir = scratch(t);
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'systemctl'), '#!/bin/sh\ncase "$1" in cat) echo "# /lib/systemd/system/$2.service"; exit 0;; esac\necho "stand-in systemctl: $*" >&2; exit 99\n', { mode: 0o755 });
    const step = (id: string, next: string) => [`  - id: ${id}`, '    target: db_host', '    destructive: true', '    timeout: 120s',
      '    shell:', `      env: { PATH: "${dir}:/usr/local/bin:/usr/bin:/bin" }`, '      run: |', ...script(id).trimEnd().split('\n').map((l) => `        ${l}`),
      `    on: { error: ${next} }`, `    next: ${next}`];
    const file = join(dir, 'sudo-lines.yaml');
    writeFileSync(file, [
      'name: sudo-lines', 'title: refused.yaml\'s start and restart lines as a login that is not root',
      'inputs:', '  db_service: { default: postgresql }', '  ssh_config: { required: true }',
      'targets:', '  db_host: { ssh: { destination: runbook-sshd, config: "${{ inputs.ssh_config }}" } }',
      'steps:', ...step('start-db', 'restart-db'), ...step('restart-db', 'done'),
      '  - id: done', '    end: escalate', '    message: both ran', ''].join('\n'));
    const transcript = join(dir, 't.jsonl');
    const r = await cli(['run', file, '--plain', '--yes', '--transcript', transcript, '-i', `ssh_config=${asPostgres()}`]);
    const lines = transcriptLines(transcript);
    assert.equal(finished(lines)?.outcome, 'escalate', r.stdout + r.stderr);
    for (const id of ['start-db', 'restart-db']) {
      const res = result(lines, id)!;
      assert.equal(res.status, 'failed', `${id}: ${JSON.stringify(res)}`);
      assert.equal(res.exitCode, 1, `${id}: sudo's exit status, not a timeout or a signal`);
      assert.match(res.stderr ?? '', /sudo: a password is required/, `${id} says why`);
      assert.ok(res.durationMs < 60_000, `${id} ended by itself, long before its 120 s limit (${res.durationMs} ms)`);
    }
    assert.doesNotMatch(r.stdout + r.stderr, /\[sudo\] password/, 'no prompt');
  });
});
