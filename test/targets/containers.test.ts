// kubectl and docker targets (issue #19), through the stand-in client of standin.ts. No cluster or daemon can run
// here: a stand-in client on PATH records
// every argument vector it is given (one line per call) and answers as the real client would: the identity
// queries (context, API server or endpoint, pod UID or container ID, the pods a selector matches) from
// FAKE_* variables, and `exec` by running the command after its own arguments here, so the step completes as it
// would in the pod or container. What that proves and what it cannot is in docs/step-kinds.md.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, finished, scratch, transcriptLines, until, writeRunbook } from '../hardening/helpers.js';
import { branch, echo, identified, LOGGED, runbook, standIn } from './standin.js';
import { eventually, withStepTimeout } from '../helpers/poll.js';

/**
 * A run killed (-9) while its local step `slow` runs: `first` ran on db_host (identifying it), `remote` is still to
 * run there, destructive (approved with --yes) or a vouched read. Returns the transcript.
 */
async function killedAtSlow(dir: string, out: string, target: string, destructive: boolean, env: NodeJS.ProcessEnv): Promise<string> {
  const safe = "    destructive: false\n    safe_because: writes only the test's own marker file\n";
  const steps = `  - id: first\n${safe}    target: db_host\n    shell: "echo first >> ${out}"\n`
    + `  - id: slow\n${safe}    shell: "echo slow >> ${out}; sleep $(cat ${out}.pause 2>/dev/null || echo 120)"\n`
    + `  - id: remote\n${destructive ? '    destructive: true\n' : safe}    target: db_host\n    shell: "echo second >> ${out}"\n`
    + '  - id: done\n    end: resolved\n';
  const transcript = join(dir, 't.jsonl');
  const run = cli(['run', writeRunbook(dir, 'remote', runbook(target, steps)), '--plain', ...(destructive ? ['--yes'] : []), '--transcript', transcript], { env });
  await until(() => { try { return readFileSync(out, 'utf8').includes('slow'); } catch { return false; } }, 60_000, 'the slow step');
  run.child.kill('SIGKILL');
  await run;
  writeFileSync(`${out}.pause`, '0'); // the slow step, run again, is quick (a file: a resume's environment must be the run's)
  return transcript;
}

describe('kubectl and docker targets', { concurrency: true }, () => {
  for (const kind of ['kubectl', 'docker'] as const) {
    it(`${kind} not installed: a clear error naming what is missing, classified target-client-missing`, async (t) => {
      const dir = scratch(t);
      const transcript = join(dir, 't.jsonl');
      const target = kind === 'kubectl' ? '{ kubectl: { pod: db-0, namespace: prod } }' : '{ docker: { container: db } }';
      const r = await cli(['run', writeRunbook(dir, 'remote', runbook(target, `${echo('remote')}    on: { target-client-missing: branch }`, branch)),
        '--plain', '--transcript', transcript], { env: { PATH: dir } }); // a PATH with nothing on it
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(finished(transcriptLines(transcript))!.message, new RegExp(`^target-client-missing: ${kind} is not installed on this machine; it is needed to run on target 'db_host'`));
    });
  }

  const WRAPPER = ['bash', '-c'];
  const EXPECTED = {
    kubectl: {
      target: '{ kubectl: { context: prod-ctx, namespace: db, pod: "${{ inputs.pod }}", container: pg } }',
      identity: [
        ['--context=prod-ctx', 'config', 'view', '--minify', '-o', 'jsonpath={.current-context}{"\\t"}{.clusters[0].cluster.server}{"\\t"}{.contexts[0].context.namespace}'],
        ['--context=prod-ctx', '--namespace=db', 'get', 'pod', '-o', 'jsonpath={.metadata.uid}{"\\t"}{.status.containerStatuses[*].restartCount}', '--', 'postgres-0'],
      ],
      exec: ['--context=prod-ctx', 'exec', '-i', '--namespace=db', 'postgres-0', '--container=pg', '--', ...WRAPPER],
      server: 'kubectl context prod-ctx (cluster https://10.0.0.1:6443), pod db/postgres-0 uid uid-1',
    },
    docker: {
      target: '{ docker: { container: postgres } }',
      identity: [
        ['context', 'inspect', '--format', '{{.Name}}\t{{.Endpoints.docker.Host}}'],
        ['--context=default', 'inspect', '--type=container', '--format={{.Id}}\t{{.State.StartedAt}}', '--', 'postgres'],
      ],
      exec: ['--context=default', 'exec', '-i', '--', 'c0ffee', ...WRAPPER], // by the ID recorded, never the name
      server: 'docker context default (unix:///run/docker-a.sock), container c0ffee',
    },
  } as const;
  for (const kind of ['kubectl', 'docker'] as const) {
    it(`${kind}: the exact argument vectors; identified once per run by what the client points at${kind === 'kubectl' ? ', the pod\'s UID read again before each later step' : ''}; no value in any of them`, async (t) => {
      const dir = scratch(t);
      const fake = standIn(dir, kind);
      const transcript = join(dir, 't.jsonl');
      const steps = `${echo('one', 'hello', true)}  - id: remote\n    target: db_host\n${LOGGED}    shell: 'echo "\${{ inputs.word }}"'\n  - id: done\n    end: resolved\n    message: "\${{ steps.remote.output }}"\n`;
      const r = await cli(['run', writeRunbook(dir, 'remote', runbook(EXPECTED[kind].target, steps)), '--plain', '--transcript', transcript], { env: fake.env });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(finished(transcriptLines(transcript))!.message, "a b'c$(x)");
      const calls = fake.calls();
      assert.deepEqual(calls.slice(0, 2), EXPECTED[kind].identity.map((c) => [...c]), 'the identity queries, once');
      const execs = calls.slice(2).filter((c) => c.includes('exec'));
      if (kind === 'kubectl') {
        assert.deepEqual(calls.slice(3).filter((c) => !c.includes('exec')), [['--context=prod-ctx', '--namespace=db', 'get', 'pod', '-o', 'jsonpath={.metadata.uid}', '--', 'postgres-0']], 'the UID, again before the second step');
      }
      assert.equal(calls.length, kind === 'kubectl' ? 5 : 4, calls.map((c) => c.join(' ')).join('\n'));
      assert.equal(execs.length, 2);
      for (const exec of execs) {
        assert.deepEqual(exec.slice(0, EXPECTED[kind].exec.length), [...EXPECTED[kind].exec]);
        assert.equal(exec.length, EXPECTED[kind].exec.length + 2, 'then the wrapper script and its $0 only');
        assert.ok(!exec.some((w) => w.includes("b'c")), 'no value on the command line');
      }
      assert.deepEqual(identified(transcript), [{ engine: 'host', host: identified(transcript)[0]!.host, server: EXPECTED[kind].server }], 'a strong identity');
    });
  }

  // `kubectl config use-context other` (or another DOCKER_HOST) between the run and its resume: the same
  // description, another cluster or daemon.
  const SWITCH = {
    kubectl: { target: '{ kubectl: { pod: postgres-0 } }', after: { FAKE_CONTEXT: 'other', FAKE_SERVER: 'https://10.9.9.9:6443', FAKE_UID: 'uid-9' },
      before: 'kubectl context prod (cluster https://10.0.0.1:6443), pod db/postgres-0 uid uid-1', now: 'kubectl context other (cluster https://10.9.9.9:6443), pod db/postgres-0 uid uid-9' },
    docker: { target: '{ docker: { container: postgres } }', after: { DOCKER_HOST: 'tcp://10.9.9.9:2376', FAKE_ID: 'beef' },
      before: 'docker context default (unix:///run/docker-a.sock), container c0ffee', now: 'docker context default (tcp://10.9.9.9:2376), container beef' },
  } as const;
  for (const kind of ['kubectl', 'docker'] as const) {
    it(`${kind}: a resume that reaches another ${kind === 'kubectl' ? 'cluster' : 'daemon'} is refused naming both; --retarget continues there`, async (t) => {
      const dir = scratch(t);
      const out = join(dir, 'out');
      const first = standIn(dir, kind);
      const transcript = await killedAtSlow(dir, out, SWITCH[kind].target, false, first.env);
      // Within the run, every exec named the context it was identified with.
      assert.ok(first.calls().some((c) => c[0] === `--context=${first.env.FAKE_CONTEXT}` && c.includes('exec')), first.calls().map((c) => c.join(' ')).join('\n'));
      const moved = { ...first.env, ...SWITCH[kind].after };
      const size = readFileSync(transcript).length;
      const refused = await cli(['resume', transcript, '--plain'], { env: moved });
      assert.equal(refused.code, 2, refused.stdout + refused.stderr);
      assert.match(refused.stderr, /refusing to resume: another target answers now/);
      assert.ok(refused.stderr.includes(`target 'db_host':\n    recorded: host ${kind} `) && refused.stderr.includes(SWITCH[kind].before), refused.stderr);
      assert.ok(refused.stderr.includes(`\n    now:      host ${kind} `) && refused.stderr.includes(SWITCH[kind].now), refused.stderr);
      assert.equal(readFileSync(transcript).length, size, 'the transcript is untouched');
      assert.equal(readFileSync(out, 'utf8'), 'first\nslow\n', 'nothing ran');
      const retarget = await cli(['resume', transcript, '--plain', '--retarget', '--approve', 'slow'], { env: moved });
      assert.equal(retarget.code, 0, retarget.stdout + retarget.stderr);
      assert.match(retarget.stderr, /--retarget: continuing on another target/);
      assert.equal(readFileSync(out, 'utf8'), 'first\nslow\nslow\nsecond\n');
      assert.deepEqual(identified(transcript).map((f) => f.server), [SWITCH[kind].before, SWITCH[kind].now], 'the new place is recorded for the next resume');
    });
  }

  // The same container or pod, restarted between the run and its resume (docker restart; a pod's container
  // crashed and came back, same UID): its processes are new, so pids a step listed there name others now.
  const RESTART = {
    kubectl: { target: '{ kubectl: { pod: postgres-0 } }', before: { FAKE_RESTARTS: '0 0' }, after: { FAKE_RESTARTS: '1 0' } },
    docker: { target: '{ docker: { container: postgres } }', before: { FAKE_STARTED: '2026-11-24T15:00:00.1Z' }, after: { FAKE_STARTED: '2026-11-24T16:00:00.2Z' } },
  } as const;
  for (const kind of ['kubectl', 'docker'] as const) {
    it(`${kind}: a resume after the ${kind === 'kubectl' ? 'pod\'s container' : 'container'} restarted is refused; unchanged, it resumes`, async (t) => {
      const dir = scratch(t);
      const out = join(dir, 'out');
      const first = standIn(dir, kind, RESTART[kind].before);
      const transcript = await killedAtSlow(dir, out, RESTART[kind].target, true, first.env);
      const size = readFileSync(transcript).length;
      const refused = await cli(['resume', transcript, '--plain', '--yes'], { env: { ...first.env, ...RESTART[kind].after } });
      assert.equal(refused.code, 2, refused.stdout + refused.stderr);
      assert.match(refused.stderr, /restarted since the run last reached it/);
      assert.equal(readFileSync(transcript).length, size, 'the transcript is untouched');
      assert.equal(readFileSync(out, 'utf8'), 'first\nslow\n', 'nothing ran');
      const same = await cli(['resume', transcript, '--plain', '--yes'], { env: { ...first.env } });
      assert.equal(same.code, 0, same.stdout + same.stderr);
      assert.equal(readFileSync(out, 'utf8'), 'first\nslow\nslow\nsecond\n');
    });
  }

  for (const [name, pods, expect] of [
    ['one running pod matches: the step runs in it', 'pg-1\\tuid-1\\n', /^ok$/],
    ['several match: refused, naming them', 'pg-0\\tuid-0\\npg-1\\tuid-1\\n', /^other: 2 running pods in prod\/db match the selector app=pg,role=primary \(pg-0, pg-1\): it must pick one/],
    ['none matches: target-unreachable', '', /^target-unreachable: no running pod in prod\/db matches the selector app=pg,role=primary$/],
  ] as const) {
    it(`kubectl selector: ${name}`, async (t) => {
      const dir = scratch(t);
      const fake = standIn(dir, 'kubectl', { FAKE_PODS: pods });
      const transcript = join(dir, 't.jsonl');
      const steps = `${echo('remote', 'ok', true)}    on: { error: branch }\n  - id: done\n    end: resolved\n    message: "\${{ steps.remote.output }}"\n`;
      await cli(['run', writeRunbook(dir, 'remote', runbook('{ kubectl: { selector: "app=pg,role=primary" } }', steps, branch)), '--plain', '--transcript', transcript], { env: fake.env });
      assert.match(finished(transcriptLines(transcript))!.message, expect);
      const calls = fake.calls();
      assert.deepEqual(calls[1], ['--context=prod', '--namespace=db', 'get', 'pods', '--selector=app=pg,role=primary', '--field-selector=status.phase=Running',
        '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.metadata.uid}{"\\t"}{.status.containerStatuses[*].restartCount}{"\\n"}{end}']);
      const execs = calls.filter((c) => c.includes('exec'));
      assert.deepEqual(execs.map((c) => c[4]), expect.source === '^ok$' ? ['pg-1'] : [], 'exec only in the one pod');
    });
  }

  for (const [kind, target, input, field] of [
    ['kubectl', '{ kubectl: { pod: "${{ inputs.pod }}" } }', '--help', 'pod'],
    ['kubectl', '{ kubectl: { pod: p, namespace: "${{ inputs.pod }}" } }', '-nkube-system', 'namespace'],
    ['docker', '{ docker: { container: "${{ inputs.pod }}" } }', '--privileged', 'container'],
  ] as const) {
    it(`${kind}: a ${field} starting with '-' is refused before the client runs`, async (t) => {
      const dir = scratch(t);
      const fake = standIn(dir, kind);
      const transcript = join(dir, 't.jsonl');
      await cli(['run', writeRunbook(dir, 'remote', runbook(target, `${echo('remote')}    on: { error: branch }\n`, branch)), '--plain', '--transcript', transcript,
        '-i', `pod=${input}`], { env: fake.env });
      assert.match(finished(transcriptLines(transcript))!.message, new RegExp(`target 'db_host': ${field} '${input}' starts with '-', which kubectl and docker would read as an option`));
      assert.deepEqual(fake.calls(), [], 'the client never ran');
    });
  }

  it('validate: a pod and a selector, or neither, and a written-out name starting with -, are located errors', async (t) => {
    const dir = scratch(t);
    const file = writeRunbook(dir, 'bad', `name: bad
title: Bad pods
targets:
  both: { kubectl: { pod: p, selector: "app=pg" } }
  neither: { kubectl: { namespace: db } }
  dash: { docker: { container: -it } }
steps:
  - id: a
    target: both
    shell: echo hi
  - id: done
    end: resolved
`);
    const r = await cli(['validate', file]);
    assert.equal(r.code, 2, r.stdout + r.stdout);
    assert.match(r.stdout, /bad\.yaml:4:\d+: error: target 'both' names its pod by 'pod' or by 'selector': one of them/);
    assert.match(r.stdout, /bad\.yaml:5:\d+: error: target 'neither' names its pod by 'pod' or by 'selector': one of them/);
    assert.match(r.stdout, /bad\.yaml:6:\d+: error: target 'dash': container '-it' starts with '-'/);
  });

  for (const [kind, said] of [
    ['kubectl', 'error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "1": OCI runtime exec failed: exec failed: unable to start container process: exec: "bash": executable file not found in $PATH: unknown'],
    ['docker', 'OCI runtime exec failed: exec failed: unable to start container process: exec: "bash": executable file not found in $PATH: unknown'],
  ] as const) {
    it(`${kind}: no bash in the ${kind === 'kubectl' ? 'pod' : 'container'}: classified target-denied`, async (t) => {
      const dir = scratch(t);
      const fake = standIn(dir, kind, { FAKE_EXEC_FAIL: said });
      const transcript = join(dir, 't.jsonl');
      await cli(['run', writeRunbook(dir, 'remote', runbook(EXPECTED[kind].target, `${echo('remote')}    on: { target-denied: branch }\n`, branch)), '--plain', '--transcript', transcript], { env: fake.env });
      assert.match(finished(transcriptLines(transcript))!.message, /^target-denied: /);
    });
  }

  // A proven read's own environment is narrowed to an allowlist (executors/proven-env.ts); its target's client is
  // not: it must reach the daemon the target was identified on. The stand-in runs the command with the client's
  // own environment, so what the command prints is the DOCKER_HOST the client was given (stop 77: it was dropped,
  // and the exec went to the default daemon). A dry run shows a remote step without running it (dry-run-mode.ts).
  it('docker: a proven read\'s client reaches the daemon its target was identified on (DOCKER_HOST)', async (t) => {
    const dir = scratch(t);
    const fake = standIn(dir, 'docker', { DOCKER_HOST: 'tcp://127.0.0.1:2376' });
    const transcript = join(dir, 't.jsonl');
    const steps = '  - id: remote\n    target: db_host\n    shell: printenv DOCKER_HOST\n';
    const r = await cli(['run', writeRunbook(dir, 'remote', runbook(EXPECTED.docker.target, steps, '  - id: done\n    end: resolved\n    message: "${{ steps.remote.output }}"\n')),
      '--plain', '--transcript', transcript], { env: fake.env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(finished(transcriptLines(transcript))!.message, 'tcp://127.0.0.1:2376');
    assert.match(identified(transcript)[0]!.server, /tcp:\/\/127\.0\.0\.1:2376/);
  });

  it('the script runs there under errexit and pipefail, as it does here: a failing command mid-pipe stops it', async (t) => {
    const dir = scratch(t);
    const fake = standIn(dir, 'docker');
    const transcript = join(dir, 't.jsonl');
    const steps = `  - id: remote\n    target: db_host\n    shell: "false | cat; echo after"\n    on: { error: branch }\n`;
    await cli(['run', writeRunbook(dir, 'remote', runbook(EXPECTED.docker.target, steps, '  - id: branch\n    end: escalate\n    message: "${{ steps.remote.exitCode }}|${{ steps.remote.output }}"\n')),
      '--plain', '--transcript', transcript], { env: fake.env });
    assert.equal(finished(transcriptLines(transcript))!.message, '1|');
  });

  // The wrapper ends the step's own process group, never `kill 0`: an exec'd process need not lead its group,
  // and may share it with the container's main process (postgres). The stand-in runs the exact wrapper that
  // way, out of reach of the local kill: only the wrapper's watcher can end the step there.
  it('a timeout ends the step\'s process tree in the container, and only it: the container\'s main process lives on', { skip: !existsSync('/usr/bin/perl') && 'perl is not installed' }, async (t) => {
    const dir = scratch(t);
    const marker = String(3000 + Math.floor(Math.random() * 5000));
    const main = String(Number(marker) + 5000);
    const fake = standIn(dir, 'docker', { FAKE_CONTAINER: dir, FAKE_MAIN: main });
    t.after(() => { for (const p of marked(`sleep ${main}`)) { try { process.kill(Number(p), 'SIGKILL'); } catch { /* gone */ } } });
    const steps = (limitS: number) => `  - id: remote\n    destructive: false\n    safe_because: sleeps, and reads nothing\n    target: db_host\n    shell: "sleep ${marker} & sleep ${marker}; echo never"\n    timeout: ${limitS}s\n    on: { timeout: late }\n  - id: late\n    end: escalate\n    message: timed out\n`;
    const transcript = join(dir, 't.jsonl');
    // Read while the step runs: the container's main process and the exec'd wrapper (the stand-in records
    // both), and their process groups.
    let seen: { mainPid: number; execPid: number; mainGroup: number; execGroup: number } | undefined;
    const sleeping = () => {
      if (seen) return true;
      if (marked(`sleep ${marker}`).length < 2) return false;
      try {
        const [mainPid, execPid] = readFileSync(join(dir, 'main.pid'), 'utf8').trim().split(' ').map(Number);
        seen = { mainPid: mainPid!, execPid: execPid!, mainGroup: pgid(mainPid!), execGroup: pgid(execPid!) };
      } catch { return false; }
      return true;
    };
    // Each try its own transcript: a second run may not write to the first one's.
    const { run: r, limitS } = await withStepTimeout([8, 60], (limit) => cli(['run', writeRunbook(dir, 'remote', runbook(EXPECTED.docker.target, steps(limit))), '--plain', '--transcript', `${transcript}.${limit}`], { env: fake.env }),
      sleeping, 'the step\'s sleeps in the container');
    const { mainPid, execPid, mainGroup, execGroup } = seen!;
    assert.equal(execGroup, mainGroup, 'the exec\'d wrapper shares the main process\'s group');
    assert.notEqual(execGroup, execPid, 'and does not lead it');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(finished(transcriptLines(`${transcript}.${limitS}`))!.message, 'timed out');
    // A hang guard (the watcher acts at once), not a speed check.
    assert.ok(await eventually(() => marked(`sleep ${marker}`).length === 0, 10_000), 'the step\'s sleeps in the container were ended');
    assert.deepEqual(marked(`sleep ${main}`).map(Number), [mainPid], 'the container\'s main process lives on');
  });

  // Where the client is installed, it is pointed at loopback addresses where nothing answers.
  const client = (name: string) => ['/usr/bin', '/usr/local/bin', '/bin'].some((d) => existsSync(join(d, name)));
  it('kubectl installed, its cluster unreachable: classified target-unreachable', { skip: !client('kubectl') && 'kubectl is not installed' }, async (t) => {
    const dir = scratch(t);
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: [{ name: c, cluster: { server: "https://127.0.0.1:1" } }]\n'
      + 'contexts: [{ name: c, context: { cluster: c, user: u } }]\ncurrent-context: c\nusers: [{ name: u, user: { token: x } }]\n');
    const transcript = join(dir, 't.jsonl');
    const r = await cli(['run', writeRunbook(dir, 'remote', runbook('{ kubectl: { pod: db-0, namespace: prod } }', `${echo('remote')}    on: { target-unreachable: branch }\n`, branch)),
      '--plain', '--transcript', transcript], { env: { KUBECONFIG: kubeconfig } });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(finished(transcriptLines(transcript))!.message, /^target-unreachable: /);
  });

  it('docker installed, its daemon unreachable: classified target-unreachable', { skip: !client('docker') && 'docker is not installed' }, async (t) => {
    const dir = scratch(t);
    const transcript = join(dir, 't.jsonl');
    const r = await cli(['run', writeRunbook(dir, 'remote', runbook('{ docker: { container: db } }', `${echo('remote')}    on: { target-unreachable: branch }\n`, branch)),
      '--plain', '--transcript', transcript], { env: { DOCKER_HOST: `unix://${join(dir, 'no-daemon.sock')}` } });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(finished(transcriptLines(transcript))!.message, /^target-unreachable: /);
  });
});

const marked = (text: string) => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
  try { return readFileSync(`/proc/${p}/cmdline`, 'latin1').replaceAll('\0', ' ').trim() === text; } catch { return false; }
});

function pgid(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}
