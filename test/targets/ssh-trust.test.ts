// SSH targets and trust (issue #19), against real sshds on loopback that the test starts:
// - the run is pinned to the host key it identified: a master connection that goes away (a dropped link, a
//   killed process) is reopened trusting that key only, so the same host goes on and another host is refused
//   as a host key mismatch with nothing run there, whether the operator's known_hosts trusts both by their keys
//   or through a host CA;
// - the master gets no credential variable of the engine's environment;
// - an ssh config that turns host key checking off is refused unless the target allows it, and then the gate
//   and the transcript say so;
// - the operator's config cannot break the transport (a forced pty, a RemoteCommand, a LocalCommand, stdin
//   from /dev/null, forwards that cannot bind);
// - a login that runs something else (an authorized_keys command=, a nologin shell) is target-denied, not the
//   step's success or failure.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, finished, scratch, transcriptLines, until, writeRunbook, type Line } from '../hardening/helpers.js';
import { SSHD, startSshd, type Sshd } from './sshd.js';

let sshd: Sshd;
before(async () => { sshd = await startSshd({ forced: { echo: 'echo forced-answer', nologin: '/usr/sbin/nologin' } }); });
after(async () => { await sshd?.stop(); });

const runbook = (target: string, steps: string, extra = '') => `name: trust
title: Trust in an SSH target
inputs:
  config: { required: true }
  word: { default: "x\\n~.\\ny" }
targets:
  h: ${target}
steps:
${steps}
${extra}`;

const TARGET = (more = '') => `{ ssh: { destination: runbook-sshd, config: "\${{ inputs.config }}"${more} } }`;
const SAFE = "    destructive: false\n    safe_because: writes only the test's own files\n";

/** Processes whose command line holds every one of `words`. */
const processes = (...words: string[]) => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
  try { const c = readFileSync(`/proc/${p}/cmdline`, 'latin1'); return words.every((w) => c.includes(w)); } catch { return false; }
});
const lines = (file: string) => { try { return readFileSync(file, 'utf8'); } catch { return ''; } };
const stepResult = (file: string, id: string) => (transcriptLines(file).find((l) => l.type === 'step-finished' && l.stepId === id) as (Line & { result: Record<string, string> }) | undefined)?.result;

describe('SSH targets: trust', { skip: !existsSync(SSHD) && 'openssh-server is not installed', concurrency: true }, () => {
  for (const ca of [false, true]) {
    it(`${ca ? 'trusted through a host CA' : 'trusted by their keys'}: a master that went away is reopened pinned to the first host; the same host goes on, another is refused as a host key mismatch and nothing runs there`, async (t) => {
      const dir = scratch(t);
      const caKey = join(dir, 'ca');
      if (ca) spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', caKey], { stdio: 'ignore' });
      const a = ca ? await startSshd({ ca: caKey }) : sshd;
      const b = await startSshd({ ...(ca ? { ca: caKey } : {}) });
      t.after(async () => { await b.stop(); if (a !== sshd) await a.stop(); });
      // The operator's known_hosts trusts both: only the config decides where the name leads.
      const kh = join(dir, 'known_hosts');
      writeFileSync(kh, ca ? `@cert-authority [127.0.0.1]:* ${readFileSync(`${caKey}.pub`, 'utf8')}` : lines(join(a.dir, 'known_hosts')) + lines(join(b.dir, 'known_hosts')));
      const config = join(dir, 'config');
      copyFileSync(a.clientConfig({ UserKnownHostsFile: kh }), config);
      const out = join(dir, 'out');
      const remote = (id: string) => `  - id: ${id}\n    target: h\n${SAFE}    shell: 'echo "${id} \${SSH_CONNECTION##* }" >> ${out}'\n`;
      const pause = (id: string) => `  - id: ${id}\n${SAFE}    shell: 'while [ ! -f ${join(dir, id)} ]; do sleep 0.05; done'\n`;
      const steps = `${remote('one')}${pause('go1')}${remote('two')}${pause('go2')}${remote('three')}    on: { target-hostkey-pinned: refused }\n  - id: done\n    end: resolved\n`;
      const transcript = join(dir, 't.jsonl');
      const secret = `pw-${Math.random().toString(36).slice(2, 12)}`;
      const run = cli(['run', writeRunbook(dir, 'trust', runbook(TARGET(), steps, '  - id: refused\n    end: escalate\n    message: "${{ steps.three.classification }}: ${{ steps.three.error }}"\n')),
        '--plain', '--transcript', transcript, '-i', `config=${config}`],
      { env: { TMPDIR: dir, DATABASE_URL: `postgres://app:${secret}@127.0.0.1/app`, PGPASSWORD: secret } });
      const master = () => processes('ControlMaster=yes', dir);
      // A run that ended early fails the wait at once, with what it said.
      let ended: Awaited<typeof run> | undefined;
      void run.then((r) => { ended = r; });
      const going = () => { if (ended) throw new Error(`the run ended early: exit ${ended.code}\n${ended.stdout}${ended.stderr}`); return true; };

      // Step one finished (not only wrote its line): a master killed while its client still waits for the exit
      // status fails step one as a lost connection, and the run would end there.
      await until(() => going() && stepResult(transcript, 'one')?.status === 'ok' && master().length === 1, 60_000, 'the first step and its master');
      const first = master()[0]!;
      const environ = readFileSync(`/proc/${first}/environ`, 'latin1');
      assert.match(environ, /(^|\0)PATH=/, 'the environment was read');
      assert.ok(!environ.includes(secret), 'the master holds no credential of the engine\'s environment');
      process.kill(Number(first), 'SIGKILL'); // a dropped link; its control socket stays behind
      writeFileSync(join(dir, 'go1'), '');

      await until(() => going() && stepResult(transcript, 'two')?.status === 'ok' && master().length === 1, 60_000, 'the second step, on a reopened master');
      assert.notEqual(master()[0], first, 'a new master');
      process.kill(Number(master()[0]), 'SIGKILL');
      copyFileSync(b.clientConfig({ UserKnownHostsFile: kh }), config); // the name now leads to the other sshd
      writeFileSync(join(dir, 'go2'), '');

      const ran = await run;
      // What the run said and recorded, shown should an assertion below fail (a route under load is a clue).
      const said = () => `exit ${ran.code}\n${ran.stdout}${ran.stderr}\n--- transcript tail:\n${readFileSync(transcript, 'utf8').split('\n').slice(-14).join('\n')}`;
      assert.equal(lines(out), `one ${a.port}\ntwo ${a.port}\n`, 'the same host went on; nothing ran on the other');
      const end = finished(transcriptLines(transcript))!;
      if (ca) {
        // No line of known_hosts holds the host's own key: the reopened master is compared by fingerprint, and
        // the target guard's refusal stops the run resumable (resume --retarget), nothing sent there.
        assert.equal(stepResult(transcript, 'three')?.status, 'aborted');
        assert.equal(end.outcome, 'interrupted');
        assert.match(end.message, new RegExp(`another target for target 'h': this run first reached host ssh \\S+@127\\.0\\.0\\.1:${a.port}, [^;]*; now host ssh \\S+@127\\.0\\.0\\.1:${b.port}, `));
      } else {
        // The operator's known_hosts trusts b too: only the pin (the key this run identified the target by) refuses it.
        assert.equal(stepResult(transcript, 'three')?.classification, 'target-hostkey-pinned', said());
        // Refused at the reopened master ("Host key verification failed") or, when the step's own connection came
        // first (a CI run under load), by its ssh client ("exit code 255: Host key verification failed."): both pinned.
        assert.match(end.message, /^target-hostkey-pinned: (exit code 255: )?Host key verification failed/);
      }
    });
  }

  for (const setting of ['no', 'accept-new'] as const) {
    for (const allowed of [false, true]) {
      it(`StrictHostKeyChecking ${setting} in the ssh config: ${allowed ? 'allowed by the target, and the gate and transcript say so' : 'refused, nothing runs'}`, async (t) => {
        const dir = scratch(t);
        const kh = join(dir, 'known_hosts');
        writeFileSync(kh, '');
        const config = sshd.clientConfig({ StrictHostKeyChecking: setting, UserKnownHostsFile: kh });
        const flag = join(dir, 'ran');
        const steps = `  - id: look\n    target: h\n${SAFE}    shell: "touch ${flag}"\n    on: { target-hostkey-unknown: refused }\n  - id: act\n    target: h\n    destructive: true\n    shell: "echo acted"\n`;
        const transcript = join(dir, 't.jsonl');
        const r = await cli(['run', writeRunbook(dir, 'trust', runbook(TARGET(allowed ? ', allow_unchecked_host_key: true' : ''), steps,
          '  - id: refused\n    end: escalate\n    message: "${{ steps.look.classification }}: ${{ steps.look.error }}"\n')), '--plain', '--transcript', transcript, '-i', `config=${config}`]);
        assert.equal(r.code, 1, r.stdout + r.stderr);
        const note = `host key NOT checked (StrictHostKeyChecking ${setting} in the ssh config; allowed by the runbook)`;
        if (!allowed) {
          assert.match(finished(transcriptLines(transcript))!.message, new RegExp(`^target-hostkey-unknown: the ssh config turns host key checking off for runbook-sshd \\(StrictHostKeyChecking ${setting}\\).*allow_unchecked_host_key: true on target 'h'`));
          assert.equal(existsSync(flag), false, 'nothing ran');
          assert.equal(readFileSync(kh, 'utf8'), '', 'not even a connection: no key was learnt');
        } else {
          assert.equal(existsSync(flag), true);
          assert.ok(r.stdout.includes(`  on:        ssh runbook-sshd (${sshd.user}@127.0.0.1:${sshd.port}): ${note} [target h]`), r.stdout);
          const id = transcriptLines(transcript).find((l) => l.type === 'target-identified' && l.connection === 'target:h') as unknown as { target: { host: string; server: string } };
          assert.ok(id.target.host.includes(note), id.target.host);
          assert.match(id.target.server, /^ssh host key ssh-ed25519 SHA256:/);
        }
      });
    }
  }

  it('the operator\'s ssh config cannot break the transport: a forced pty, a RemoteCommand, a LocalCommand, stdin from /dev/null, forwards that cannot bind', async (t) => {
    const dir = scratch(t);
    const config = sshd.clientConfig({
      RequestTTY: 'force', RemoteCommand: 'echo hijacked', PermitLocalCommand: 'yes', LocalCommand: 'echo local-command-ran',
      StdinNull: 'yes', ForkAfterAuthentication: 'yes', SessionType: 'none', EscapeChar: '~', LogLevel: 'QUIET',
      LocalForward: `127.0.0.1:${sshd.port} 127.0.0.1:22`, ExitOnForwardFailure: 'yes', // that port is sshd's own: it cannot bind
    });
    const transcript = join(dir, 't.jsonl');
    const steps = `  - id: remote\n    destructive: false\n    safe_because: prints its value\n    target: h\n    shell: 'printf "out[%s]\\\\n" "\${{ inputs.word }}"; echo err-line >&2'\n  - id: done\n    end: resolved\n`;
    const r = await cli(['run', writeRunbook(dir, 'trust', runbook(TARGET(), steps)), '--plain', '--transcript', transcript, '-i', `config=${config}`]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const result = stepResult(transcript, 'remote')!;
    assert.equal(result.stdout, 'out[x\n~.\ny]\n', 'no pty (no \\r, nothing echoed), no RemoteCommand or LocalCommand output, the value whole with its ~.');
    assert.match(result.stderr ?? '', /err-line/);
  });

  for (const [name, said] of [['echo', 'forced-answer'], ['nologin', 'This account is currently not available.']] as const) {
    it(`a login that runs something else (${name === 'echo' ? 'an authorized_keys command= that exits 0' : 'a nologin shell'}): target-denied, not the step's result`, async (t) => {
      const dir = scratch(t);
      const config = sshd.clientConfig({ IdentityFile: join(sshd.dir, `forced_${name}`) });
      const transcript = join(dir, 't.jsonl');
      const steps = `  - id: remote\n    target: h\n    shell: "echo ran"\n    on: { target-denied: denied }\n  - id: done\n    end: resolved\n`;
      const r = await cli(['run', writeRunbook(dir, 'trust', runbook(TARGET(), steps, '  - id: denied\n    end: escalate\n    message: "${{ steps.remote.classification }}: ${{ steps.remote.error }}"\n')),
        '--plain', '--transcript', transcript, '-i', `config=${config}`]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const message = finished(transcriptLines(transcript))!.message;
      assert.match(message, /^target-denied: the step did not start on ssh runbook-sshd \[target h\]: its wrapper never ran there \(.*forced command/);
      assert.ok(message.endsWith(`it said: ${said}`), message);
    });
  }
});
