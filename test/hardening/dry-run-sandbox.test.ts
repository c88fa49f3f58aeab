// A dry run cannot act, even through a step that claims to be harmless: a non-destructive (safe_because) shell
// step — or a wait polling one — that removes a file, writes files, kills a process the test started and pkills
// by name is not proven, so a dry run shows it and does not run it (#44: until then it ran offline in the
// sandbox, where a background job outlived it and a host FIFO took its writes): the file survives, nothing is
// written, the process lives. Proven steps run in the sandbox (tested below with the sandbox itself). The same runbook
// run for real does act, so the dry-run assertions are not vacuous. Shell steps run with errexit, so the hostile
// steps start with `set +e` to try every line. The commands are spelled through variables: safe_because cannot
// vouch for a command the lint sees act (`rm`, `kill`), only for one it cannot read.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { sandboxed } from '../../src/executors/sandbox.js';
import { cli, scratch, transcriptLines, until, writeRunbook } from './helpers.js';

const HARM = `name: harm
title: Claims to be harmless
inputs:
  marker: { required: true }
  dir: { required: true }
  pid: { required: true }
  victim: { required: true }
  tmpfile: { required: true }
steps:
  - id: harm
    destructive: false
    safe_because: a hostile author says so
    shell: |
      set +e
      r=rm; t=touch; k=kill; p=pkill
      $r -f \${{ inputs.marker }}
      $t \${{ inputs.tmpfile }}
      echo data > \${{ inputs.dir }}/written
      $t relative
      $k \${{ inputs.pid }}
      $p -x \${{ inputs.victim }}
      echo done
  - id: harm-wait
    destructive: false
    safe_because: a hostile author says so
    wait:
      shell: set +e; r=rm; $r -f \${{ inputs.marker }}-wait; echo gone
      until: result.output == 'gone'
      every: 1s
      for: 30s
  - id: done
    end: resolved
`;

function victim(t: { after(fn: () => void): void }, dir: string, name: string) {
  // A copy of sleep under a name of its own, for pkill -x (by process name: not the runbook process, whose
  // command line carries the name as an input); it is this test's own process.
  const exe = join(dir, name);
  copyFileSync('/bin/sleep', exe);
  const child = spawn(exe, ['600'], { stdio: 'ignore' });
  t.after(() => { try { child.kill('SIGKILL'); } catch { /* gone */ } });
  const alive = () => child.exitCode === null && child.signalCode === null;
  return { pid: child.pid!, alive, exited: () => until(() => !alive() || undefined, 30_000, 'the victim to exit') };
}

function setup(t: { after(fn: () => void): void }) {
  // Outside /tmp (which the sandbox replaces with an empty one), so the sandbox sees the files, read-only.
  const dir = mkdtempSync('/var/tmp/runbook-sandbox-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const marker = join(dir, 'marker');
  writeFileSync(marker, 'keep');
  writeFileSync(`${marker}-wait`, 'keep');
  const tag = `rbv${Math.random().toString(36).slice(2, 10)}`;
  const v = victim(t, dir, tag);
  const tmpfile = `/tmp/runbook-sandbox-${tag}-touched`;
  const args = ['-i', `marker=${marker}`, '-i', `dir=${dir}`, '-i', `pid=${v.pid}`, '-i', `victim=${tag}`, '-i', `tmpfile=${tmpfile}`];
  const untouched = (why: string) => {
    assert.ok(existsSync(marker), `${why}: the marker was removed`);
    assert.ok(existsSync(`${marker}-wait`), `${why}: the wait's marker was removed`);
    assert.ok(!existsSync(join(dir, 'written')), `${why}: a file was written`);
    assert.ok(!existsSync(join(dir, 'relative')), `${why}: a file was written in the working directory`);
    assert.ok(!existsSync(tmpfile), `${why}: a file appeared in the real /tmp`);
    assert.ok(v.alive(), `${why}: the process was killed`);
  };
  return { dir, runbook: writeRunbook(dir, 'harm', HARM), args, untouched, victim: v, marker, tmpfile, transcript: join(dir, 'run.jsonl') };
}

describe('the dry run cannot act through a non-destructive shell step', { concurrency: true }, () => {
  test('it validates: safe_because is accepted by the lint', async (t) => {
    const s = setup(t);
    const r = await cli(['validate', s.runbook]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  test('--dry-run shows it and does not run it: file kept, nothing written, the process lives', async (t) => {
    const s = setup(t);
    const r = await cli(['run', s.runbook, '--plain', '--dry-run', '--transcript', s.transcript, ...s.args], { cwd: s.dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    s.untouched('dry run');
    const inTmp = scratch(t, 'runbook-sandbox-cwd-');
    const r2 = await cli(['run', s.runbook, '--plain', '--dry-run', '--no-transcript', ...s.args], { cwd: inTmp });
    assert.equal(r2.code, 0, r2.stdout + r2.stderr);
    assert.ok(!existsSync(join(inTmp, 'relative')));
    s.untouched('dry run in /tmp');
    assert.doesNotMatch(r.stdout, /Read-only file system/, 'it did not run at all');
    assert.match(r.stdout, /skipped  harm \(dry run, vouched for with safe_because, not proven to read, shown: set \+e/);
    assert.match(r.stdout, /shown, not run \(vouched for with safe_because, not proven to read\): harm, harm-wait/);
    const shown = transcriptLines(s.transcript).filter((l) => l.type === 'step-skipped').map((l) => [l.stepId, l.because]);
    assert.deepEqual(shown, [['harm', 'safe-because'], ['harm-wait', 'safe-because']]);
  });

  test('with no sandbox available the steps are shown, not run (RUNBOOK_NO_SANDBOX, and no bwrap on PATH)', async (t) => {
    const s = setup(t);
    const bin = join(s.dir, 'bin');
    mkdirSync(bin);
    symlinkSync('/bin/bash', join(bin, 'bash'));
    for (const env of [{ RUNBOOK_NO_SANDBOX: '1' }, { PATH: bin }]) {
      const file = `${s.transcript}.${Object.keys(env)[0]}`;
      const r = await cli(['run', s.runbook, '--plain', '--dry-run', '--transcript', file, ...s.args], { env });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      s.untouched(JSON.stringify(env));
      assert.match(r.stdout, /skipped  harm \(dry run, vouched for with safe_because, not proven to read, shown: set \+e/);
      const shown = transcriptLines(file).filter((l) => l.type === 'step-skipped').map((l) => [l.stepId, l.because]);
      assert.deepEqual(shown, [['harm', 'safe-because'], ['harm-wait', 'safe-because']]);
    }
  });

  test('run for real, the same step does act (the checks above are not vacuous)', async (t) => {
    const s = setup(t);
    const r = await cli(['run', s.runbook, '--plain', '--no-transcript', ...s.args], { cwd: s.dir });
    t.after(() => rmSync(s.tmpfile, { force: true }));
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(!existsSync(s.marker), 'the marker is removed');
    assert.ok(!existsSync(`${s.marker}-wait`), "the wait's marker is removed");
    assert.ok(existsSync(join(s.dir, 'written')));
    assert.ok(existsSync(join(s.dir, 'relative')));
    await s.victim.exited();
  });
});

describe("a destructive command spelled to hide from the lint (r''m -r dir)", { concurrency: true }, () => {
  const book = (marking: string) => `name: hidden\ntitle: Hidden rm\ninputs:\n  dir: { required: true }\nsteps:\n  - id: hide\n${marking}    shell: r''m -r \${{ inputs.dir }}/victim\n  - id: done\n    end: resolved\n`;

  test('unmarked, validate rejects it and neither run nor --dry-run starts', async (t) => {
    const dir = mkdtempSync('/var/tmp/runbook-hidden-');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'victim'));
    const runbook = writeRunbook(dir, 'hidden', book(''));
    const v = await cli(['validate', runbook]);
    assert.notEqual(v.code, 0);
    assert.match(v.stdout + v.stderr, /step 'hide' runs a shell command that looks destructive \('rm'\)/);
    for (const flags of [['--dry-run'], []]) {
      const r = await cli(['run', runbook, '--plain', '--no-transcript', ...flags, '-i', `dir=${dir}`]);
      assert.notEqual(r.code, 0, r.stdout);
      assert.ok(existsSync(join(dir, 'victim')), `${flags.join(' ')}: the directory was removed`);
    }
  });

  test('vouched for with safe_because, it is still refused: safe_because cannot vouch for a command that acts', async (t) => {
    const dir = mkdtempSync('/var/tmp/runbook-hidden-');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'victim'));
    const runbook = writeRunbook(dir, 'hidden', book('    destructive: false\n    safe_because: trust me\n'));
    const v = await cli(['validate', runbook]);
    assert.notEqual(v.code, 0);
    assert.match(v.stdout + v.stderr, /\('rm'\).*cannot vouch for a command that acts/);
    for (const flags of [['--dry-run'], []]) {
      const r = await cli(['run', runbook, '--plain', '--no-transcript', ...flags, '-i', `dir=${dir}`]);
      assert.notEqual(r.code, 0, r.stdout);
      assert.ok(existsSync(join(dir, 'victim')), `${flags.join(' ')}: the directory was removed`);
    }
  });

  test('spelled so the lint cannot read it and vouched for, the dry run shows it and the directory survives', async (t) => {
    const dir = mkdtempSync('/var/tmp/runbook-hidden-');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'victim'));
    const runbook = writeRunbook(dir, 'hidden', book('    destructive: false\n    safe_because: trust me\n').replace("r''m -r", 'r=rm; $r -r'));
    const dry = await cli(['run', runbook, '--plain', '--dry-run', '--no-transcript', '-i', `dir=${dir}`]);
    assert.ok(existsSync(join(dir, 'victim')), 'the dry run removed the directory');
    assert.match(dry.stdout, /skipped  hide \(dry run, vouched for with safe_because/);
    const real = await cli(['run', runbook, '--plain', '--no-transcript', '-i', `dir=${dir}`]);
    assert.equal(real.code, 0, real.stdout);
    assert.ok(!existsSync(join(dir, 'victim')), 'run for real it acts: safe_because is the author\'s word');
  });
});

describe('#13 audit: code bash evaluates in the arguments of a read, and read commands that run or write', { concurrency: true }, () => {
  // Each step validated with 0 errors and ran ungated (also in a dry run): bash evaluates the quoted subscript
  // and runs the touch; ssh runs its ProxyCommand here; xargs hands curl an -o from its input.
  const STEPS = [
    "let 'x[$(touch ${{ inputs.dir }}/let)]=1'", "[ -v 'y[$(touch ${{ inputs.dir }}/testv)]' ] || true",
    "[[ -v 'y[$(touch ${{ inputs.dir }}/dtestv)]' ]] || true", "printf -v 'x[$(touch ${{ inputs.dir }}/printfv)]' %s 1",
    "read 'x[$(touch ${{ inputs.dir }}/read)]' < /dev/null || true", "a['$(touch ${{ inputs.dir }}/assign)']=1",
    "ssh -o ProxyCommand='touch ${{ inputs.dir }}/ssh' -o BatchMode=yes nohost true || true",
    "printf -- '-o\\n${{ inputs.dir }}/xargs\\nfile:///etc/hostname\\n' | xargs curl -s",
  ];
  const yaml = ['name: args', 'title: Code in arguments', 'inputs:', '  dir: { required: true }', 'steps:',
    ...STEPS.flatMap((s, i) => [`  - id: s${i}`, `    shell: ${JSON.stringify(s)}`]), '  - id: done', '    end: resolved', ''].join('\n');

  test('validate names each step; run and --dry-run refuse to start; nothing is touched', async (t) => {
    const dir = mkdtempSync('/var/tmp/runbook-args-');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const runbook = writeRunbook(dir, 'args', yaml);
    const v = await cli(['validate', runbook]);
    assert.equal(v.code, 2, v.stdout + v.stderr);
    STEPS.forEach((_, i) => assert.match(v.stdout + v.stderr, new RegExp(`args\\.yaml:${6 + i * 2}:\\d+: error: step 's${i}' runs a shell command`), `s${i}`));
    for (const flags of [['--dry-run'], []]) {
      const r = await cli(['run', runbook, '--plain', '--no-transcript', ...flags, '-i', `dir=${dir}`], { cwd: dir });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.deepEqual(readdirSync(dir).sort(), ['args.yaml'], `${flags.join(' ')}: nothing may be created`);
    }
  });
});

describe('a dry run reaches the network only from a step the lint proved to read (#13 audit)', { concurrency: true }, () => {
  /** A loopback HTTP listener that records every request it gets. */
  async function listener(t: { after(fn: () => void): void }) {
    const requests: string[] = [];
    const server = createServer((req, res) => { requests.push(`${req.method} ${req.url}`); res.end('ok\n'); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.after(() => server.close());
    return { requests, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
  }
  const book = (url: string) => `name: net
title: Network in a dry run
steps:
  - id: health
    shell: ss -ltn
  - id: vouched
    destructive: false
    safe_because: a hostile author says it only reads
    shell: c=curl; m=DEL; $c -s -X \${m}ETE ${url}/accounts/all || true
  - id: vouched-wait
    destructive: false
    safe_because: a hostile author says it only polls
    wait:
      shell: c=curl; $c -s -X POST ${url}/accounts/reset >/dev/null || true; echo done
      until: result.output == 'done'
      every: 1s
      for: 30s
  - id: done
    end: resolved
`;

  test('--dry-run: the proven read runs in the sandbox, the vouched steps are shown and send nothing; the plan says so', async (t) => {
    const net = await listener(t);
    const dir = scratch(t);
    const runbook = writeRunbook(dir, 'net', book(net.url));
    const transcript = join(dir, 'run.jsonl');
    const r = await cli(['run', runbook, '--plain', '--dry-run', '--transcript', transcript]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(net.requests, [], 'nothing reached the network');
    assert.match(r.stdout, /ran in the sandbox \(read-only files, no signals\): health\n/);
    assert.match(r.stdout, /shown, not run \(vouched for with safe_because, not proven to read\): vouched, vouched-wait/);
    const modes = transcriptLines(transcript).filter((l) => l.type === 'step-started').map((l) => [l.stepId, l.dryRun]);
    assert.deepEqual(modes, [['health', 'sandboxed'], ['vouched', 'shown'], ['vouched-wait', 'shown']]);
  });

  test('run for real, the vouched steps do reach it (the dry-run check is not vacuous)', async (t) => {
    const net = await listener(t);
    const runbook = writeRunbook(scratch(t), 'net', book(net.url));
    const r = await cli(['run', runbook, '--plain', '--no-transcript']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(net.requests, ['DELETE /accounts/all', 'POST /accounts/reset']);
  });

  test("an unmarked step hiding a POST in an argument bash evaluates is refused, dry or not: nothing is sent", async (t) => {
    const net = await listener(t);
    const runbook = writeRunbook(scratch(t), 'net2', `name: net2\ntitle: Net2\nsteps:\n  - id: look\n    shell: "let 'x[$(curl -s -X POST ${net.url}/accounts/reset)]=1' || true"\n  - id: done\n    end: resolved\n`);
    for (const flags of [['--dry-run'], []]) {
      const r = await cli(['run', runbook, '--plain', '--no-transcript', ...flags]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stdout + r.stderr, /net2\.yaml:4:9: error: step 'look' runs a shell command the lint cannot read \('let'/);
    }
    assert.deepEqual(net.requests, []);
  });

  // The class: a socket on the filesystem, which no network namespace cuts, whenever it was bound: before
  // the step started, after (a list of sockets taken at the start missed it), and while sockets come and go on
  // the host (a socket removed between that list and bwrap's mount over it failed every offline step; CI).
  test('the offline sandbox reaches no Unix socket on the filesystem, bound before it started or after', async (t) => {
    const dir = mkdtempSync('/var/tmp/runbook-sock-');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const accepted: string[] = [];
    const listen = async (path: string) => {
      const server = createNetServer((s) => { accepted.push(path); s.end('hello\n'); });
      await new Promise<void>((r) => server.listen(path, r));
      t.after(() => server.close());
    };
    const before = join(dir, 'before.sock');
    const after = join(dir, 'after.sock');
    await listen(before);
    const connect = (path: string) => `python3 -c 'import socket,sys; c=socket.socket(socket.AF_UNIX); c.connect(sys.argv[1]); print(c.recv(9).decode())' ${path} 2>&1 || true`;
    // The step waits for the later socket to appear (it sees the directory read-only), then tries both.
    const probe = `exec 3<>/dev/tcp/127.0.0.1/1 2>/dev/null; for i in $(seq 600); do [ -S ${after} ] && break; sleep 0.05; done; ${connect(before)}; ${connect(after)}`;
    const offline = runSandboxed(probe, dir, false);
    await new Promise((r) => setTimeout(r, 300));
    await listen(after);
    const out = await offline;
    assert.doesNotMatch(out, /hello/, out);
    assert.equal((out.match(/PermissionError: \[Errno 13\] Permission denied/g) ?? []).length, 2, `both connections refused at socket(): ${out}`);
    assert.deepEqual(accepted, []);
    const online = await runSandboxed(`${connect(before)}; ${connect(after)}`, dir, true);
    assert.equal((online.match(/hello/g) ?? []).length, 2, `with the network both sockets answer (the check is not vacuous): ${online}`);
  });

  test('offline steps start while Unix sockets come and go on the host', async (t) => {
    const dir = mkdtempSync('/var/tmp/runbook-churn-');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    let stop = false;
    const churn = (async () => {
      for (let i = 0; !stop; i++) {
        const server = createNetServer();
        await new Promise<void>((r) => server.listen(join(dir, `s${i % 4}.sock`), r));
        await new Promise((r) => setTimeout(r, i % 3));
        await new Promise<void>((r) => server.close(() => r()));
      }
    })();
    t.after(async () => { stop = true; await churn; });
    for (let i = 0; i < 20; i++) {
      const out = await runSandboxed('echo started', dir, false);
      assert.equal(out, 'started\n', `run ${i}: ${out}`);
    }
  });
});

/** Runs `script` in the sandbox directly (asynchronously: the test's own listeners keep answering). */
function runSandboxed(script: string, cwd: string, network: boolean): Promise<string> {
  const argv = sandboxed(['bash', '-c', script], cwd, network);
  const child = spawn(argv[0]!, argv.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  return new Promise((resolve) => child.on('close', () => resolve(out)));
}
