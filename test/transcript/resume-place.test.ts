// A resumed run acts where, and on what, it started (issue #46): resumed from another working directory, its
// relative paths and `cwd:` would act there; resumed with another DATABASE_URL or --env-file, a shell step's
// `psql "$DATABASE_URL"` would write to another server. Each is refused, naming the difference, before anything
// runs; --retarget continues, asking again at every gate. Real CLI runs, stopped by SIGTERM (interrupted, 75).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, scratch, until } from './helpers.js';

/** A step that waits for the test's go file. */
const WAIT = (id: string, go: string) => `  - id: ${id}
    destructive: false
    safe_because: waits for the test's go file, and reads nothing else
    shell: while [ ! -e ${go} ]; do sleep 0.1; done`;

/** The first two steps of every runbook here: one that acts in the working directory, then a wait the test ends. */
const FIRST_STEPS = (go: string) => `steps:
  - id: first
    destructive: true
    shell: mkdir -p ./work && echo started > ./work/started
${WAIT('wait', go)}`;

const RUNBOOK = (go: string) => `name: place
title: Acts in the working directory
${FIRST_STEPS(go)}
  - id: act
    destructive: true
    shell: mkdir -p ./work && echo acted >> ./work/acted
  - id: done
    end: resolved
    message: acted
`;

/** A run in `a`, stopped at its wait step by SIGTERM: its transcript. */
async function interruptedIn(dir: string, a: string, env: NodeJS.ProcessEnv = {}, extra: string[] = []): Promise<string> {
  const go = join(dir, 'go');
  const rb = join(dir, 'place.yaml');
  writeFileSync(rb, RUNBOOK(go));
  const transcript = join(dir, 't.jsonl');
  const run = cli(['run', rb, '--plain', '--yes', '--transcript', transcript, ...extra], { cwd: a, env });
  await until(() => existsSync(join(a, 'work', 'started')), 30_000, 'the first step');
  await new Promise((r) => setTimeout(r, 300)); // into the wait step
  run.kill('SIGTERM');
  const r = await run;
  assert.equal(r.code, 75, r.stdout + r.stderr);
  writeFileSync(go, '');
  return transcript;
}

function places(t: Parameters<typeof scratch>[0]) {
  const dir = scratch(t);
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  mkdirSync(a); mkdirSync(b);
  return { dir, a, b };
}

test('resumed from another working directory: refused, naming both; from the same one it acts there', async (t) => {
  const { dir, a, b } = places(t);
  const transcript = await interruptedIn(dir, a);
  const elsewhere = await cli(['resume', transcript, '--plain', '--yes'], { cwd: b });
  assert.equal(elsewhere.code, 2, elsewhere.stdout + elsewhere.stderr);
  assert.match(elsewhere.stderr, new RegExp(`refusing to resume: .*the run started in ${a}, and this is ${b}`));
  assert.equal(existsSync(join(b, 'work')) || existsSync(join(a, 'work', 'acted')), false, 'nothing acted');
  const same = await cli(['resume', transcript, '--plain', '--yes'], { cwd: a });
  assert.equal(same.code, 0, same.stdout + same.stderr);
  assert.equal(existsSync(join(a, 'work', 'acted')), true);
});

test('resumed from another working directory with --retarget: continues there, asking at the gate', async (t) => {
  const { dir, a, b } = places(t);
  const transcript = await interruptedIn(dir, a);
  const r = await cli(['resume', transcript, '--plain', '--retarget', '--approve', 'wait', '--approve', 'act'], { cwd: b });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stderr, /--retarget: the run started in/);
  assert.equal(existsSync(join(b, 'work', 'acted')), true, 'it acted where it was resumed, as the operator said');
});

for (const [what, runWith, resumeWith] of [
  ['DATABASE_URL', { env: { DATABASE_URL: 'postgres://app:pw-a@127.0.0.1:5433/a' } }, { env: { DATABASE_URL: 'postgres://app:pw-b@127.0.0.1:5434/b' } }],
  ['--env-file', { file: 'DATABASE_URL=mysql://app:pw-a@127.0.0.1:3307/a\n' }, { file: 'DATABASE_URL=mysql://app:pw-a@127.0.0.1:3308/a\n' }],
  ['PGHOST', { env: { PGHOST: 'db-a.internal' } }, { env: { PGHOST: 'db-b.internal' } }],
] as const) {
  test(`resumed with another server in ${what}: refused, naming the variable and both servers, without passwords`, async (t) => {
    const { dir, a } = places(t);
    const envArgs = (w: { env?: unknown; file?: string }, name: string) => {
      if (!w.file) return [];
      writeFileSync(join(dir, name), w.file);
      return ['--env-file', join(dir, name)];
    };
    const transcript = await interruptedIn(dir, a, 'env' in runWith ? runWith.env : {}, envArgs(runWith, 'run.env'));
    const r = await cli(['resume', transcript, '--plain', '--yes', ...envArgs(resumeWith, 'resume.env')], { cwd: a, env: 'env' in resumeWith ? resumeWith.env : {} });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const name = what === '--env-file' ? 'DATABASE_URL' : what;
    assert.match(r.stderr, new RegExp(`refusing to resume: .*${name} named \\S+ when the run started, and names \\S+ now`));
    assert.doesNotMatch(r.stderr, /pw-a|pw-b/);
    assert.equal(existsSync(join(a, 'work', 'acted')), false, 'nothing acted');
  });
}

/** A run that calls `helper` by name, found through RUNBOOK_PATH=p1 (p2 has another helper of the same name),
 *  stopped by SIGTERM at its wait step: its transcript. */
async function interruptedCaller(t: Parameters<typeof scratch>[0]) {
  const { dir, a } = places(t);
  const go = join(dir, 'go');
  const [p1, p2] = [join(dir, 'p1'), join(dir, 'p2')];
  for (const [p, said] of [[p1, 'one'], [p2, 'two']] as const) {
    mkdirSync(p);
    writeFileSync(join(p, 'helper.yaml'), `name: helper\ntitle: Says ${said}\nsteps:\n  - id: say\n    destructive: true\n    shell: echo ${said} >> ${join(dir, 'said')}\n  - id: done\n    end: resolved\n`);
  }
  const rb = join(dir, 'caller.yaml');
  writeFileSync(rb, `name: caller
title: Calls a helper found by name
${FIRST_STEPS(go)}
  - id: call
    runbook: { name: helper }
  - id: done
    end: resolved
`);
  const transcript = join(dir, 't.jsonl');
  const run = cli(['run', rb, '--plain', '--yes', '--transcript', transcript], { cwd: a, env: { RUNBOOK_PATH: p1 } });
  await until(() => existsSync(join(a, 'work', 'started')), 30_000, 'the first step');
  await new Promise((r) => setTimeout(r, 300));
  run.kill('SIGTERM');
  assert.equal((await run).code, 75);
  writeFileSync(go, '');
  return { a, p1, p2, transcript, said: join(dir, 'said') };
}

test('a called runbook found by name through RUNBOOK_PATH: resumed with another RUNBOOK_PATH, refused naming both files', async (t) => {
  const { a, p1, p2, transcript, said } = await interruptedCaller(t);
  const other = await cli(['resume', transcript, '--plain', '--yes'], { cwd: a, env: { RUNBOOK_PATH: p2 } });
  assert.equal(other.code, 2, other.stdout + other.stderr);
  assert.match(other.stderr, new RegExp(`step 'call' would now load ${join(p2, 'helper.yaml')} where the run loaded ${join(p1, 'helper.yaml')}`));
  assert.equal(existsSync(said), false, 'nothing ran');
  const same = await cli(['resume', transcript, '--plain', '--yes'], { cwd: a, env: { RUNBOOK_PATH: p1 } });
  assert.equal(same.code, 0, same.stdout + same.stderr);
  assert.equal(readFileSync(said, 'utf8'), 'one\n');
});

test('with --retarget and another RUNBOOK_PATH: the file the run loaded runs, never the one found by name now, asking again', async (t) => {
  const { a, p1, p2, transcript, said } = await interruptedCaller(t);
  const r = await cli(['resume', transcript, '--plain', '--retarget', '--approve', 'wait', '--approve', 'call/say'], { cwd: a, env: { RUNBOOK_PATH: p2 } });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.ok(r.stderr.includes(`--retarget: step 'call' loads ${join(p1, 'helper.yaml')}, as the run did (by name it would now load ${join(p2, 'helper.yaml')})`), r.stderr);
  assert.match(r.stdout, /confirm\? .*say/, 'the destructive step asked again');
  assert.equal(readFileSync(said, 'utf8'), 'one\n', 'the helper the run loaded said it, once');
});

test('the team store\'s URL is the engine\'s own, not a place: no step is given it, and another store is no other target', async () => {
  const { placeChanges, placeOf } = await import('../../src/resume/place.js');
  const then = placeOf({ RUNBOOK_STORE: 'postgres://alice@127.0.0.1:1/ops', DATABASE_URL: 'postgres://app:pw@127.0.0.1:2/app' }, '/w');
  assert.deepEqual(then.serverEnv, { DATABASE_URL: 'postgres://app@127.0.0.1:2/app' });
  const recordedByAnOlderRun = { ...then, serverEnv: { ...then.serverEnv, RUNBOOK_STORE: 'postgres://alice@127.0.0.1:1/ops' } };
  assert.deepEqual(placeChanges(recordedByAnOlderRun, placeOf({ RUNBOOK_STORE: 'postgres://alice@127.0.0.1:3/ops', DATABASE_URL: 'postgres://app@127.0.0.1:2/app' }, '/w', then.envDigest!.salt)), []);
});

test('a resume with --retarget moves the place: interrupted again, the next resume compares with where it was moved', async (t) => {
  const { dir, a, b } = places(t);
  const [go1, go2] = [join(dir, 'go1'), join(dir, 'go2')];
  const rb = join(dir, 'twice.yaml');
  writeFileSync(rb, `name: twice
title: Waits twice
steps:
  - id: first
    destructive: true
    shell: mkdir -p ./work && echo started > ./work/started
${WAIT('wait1', go1)}
  - id: mark
    destructive: false
    safe_because: writes only the test's own marker file
    shell: mkdir -p ./work && echo moved > ./work/moved
${WAIT('wait2', go2)}
  - id: act
    destructive: true
    shell: mkdir -p ./work && echo acted >> ./work/acted
  - id: done
    end: resolved
`);
  const transcript = join(dir, 't.jsonl');
  const stopWhen = async (run: ReturnType<typeof cli>, file: string) => {
    await until(() => existsSync(file), 30_000, file);
    await new Promise((r) => setTimeout(r, 300));
    run.kill('SIGTERM');
    assert.equal((await run).code, 75);
  };
  await stopWhen(cli(['run', rb, '--plain', '--yes', '--transcript', transcript], { cwd: a }), join(a, 'work', 'started'));
  writeFileSync(go1, '');
  await stopWhen(cli(['resume', transcript, '--plain', '--retarget', '--approve', 'wait1'], { cwd: b }), join(b, 'work', 'moved'));
  writeFileSync(go2, '');
  const back = await cli(['resume', transcript, '--plain', '--yes'], { cwd: a });
  assert.equal(back.code, 2, back.stdout + back.stderr);
  assert.ok(back.stderr.includes(`the run was last resumed with --retarget in ${b}, and this is ${a}`), back.stderr);
  const there = await cli(['resume', transcript, '--plain', '--yes'], { cwd: b });
  assert.equal(there.code, 0, there.stdout + there.stderr);
  assert.equal(readFileSync(join(b, 'work', 'acted'), 'utf8'), 'acted\n', 'it acted where --retarget moved it, once');
  assert.equal(existsSync(join(a, 'work', 'acted')), false);
});

test('a dry run resumed in another environment is refused the same way; in its own it continues', async (t) => {
  const { dir, a } = places(t);
  const rb = join(dir, 'dry.yaml');
  // A dry run runs proven reads (in its sandbox) and shows the rest: the step it is stopped in is a proven one.
  writeFileSync(rb, `name: dry
title: Stopped in a dry run
steps:
  - id: first
    destructive: true
    shell: mkdir -p ./work && echo acted > ./work/acted
  - id: wait
    destructive: false
    shell: sleep 5
  - id: done
    end: resolved
`);
  const transcript = join(dir, 't.jsonl');
  const env = { ORDERS_DSN: 'host=db-a.internal dbname=orders' };
  const run = cli(['run', rb, '--plain', '--dry-run', '--transcript', transcript], { cwd: a, env });
  await until(() => existsSync(transcript) && /"type":"step-started"[^\n]*"stepId":"wait"/.test(readFileSync(transcript, 'utf8')), 30_000, 'the wait step');
  run.kill('SIGTERM');
  assert.equal((await run).code, 75);
  const other = await cli(['resume', transcript, '--plain', '--dry-run'], { cwd: a, env: { ORDERS_DSN: 'host=db-b.internal dbname=orders' } });
  assert.equal(other.code, 2, other.stdout + other.stderr);
  assert.match(other.stderr, /refusing to resume: .*the environment is not the run's: ORDERS_DSN changed/);
  assert.doesNotMatch(other.stderr, /db-[ab]\.internal/, 'no value shown');
  const same = await cli(['resume', transcript, '--plain', '--dry-run'], { cwd: a, env });
  assert.equal(same.code, 0, same.stdout + same.stderr);
  assert.equal(existsSync(join(a, 'work')), false, 'a dry run acted nowhere');
});
