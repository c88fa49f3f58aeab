// Local first: a run whose store is down (refusing, then accepting TCP and never answering) goes on at its own
// pace, and its backlog reaches the store once it is back, line for line as the local transcript has it.
// Asserted on order and completion (steps finished while the store had nothing), never on timing.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { until } from '../helpers/poll.js';
import { cli } from '../helpers/cli.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { FIXTURE, fileLines, machineEnv, scratch, startCli, startStoreLab, startStoreLabWithProxy, type ProxiedStoreLab, type StoreLab } from './helpers.js';
import { fileURLToPath } from 'node:url';

const FOUR_EYES = fileURLToPath(new URL('fixtures/four-eyes.yaml', import.meta.url));

const GUARD = 60_000; // a hang guard: each wait takes well under a second idle

describe('store outage', { timeout: E2E_TEST_LIMIT_MS }, () => {
  let lab: ProxiedStoreLab;
  before(async () => { lab = await startStoreLabWithProxy('refuse'); });
  after(async () => { await lab?.stop(); });

  it('a person running a command against a silent store is told after a second that it waits, then why it gave up', async (t) => {
    await lab.proxy.set('silent');
    t.after(() => lab.proxy.set('refuse'));
    const runs = startCli(['runs'], { ...machineEnv(scratch(t)), RUNBOOK_STORE: lab.url('carol', lab.proxy.port) });
    await until(() => /waiting for the store postgres:\/\/carol:\*\*\*\*@127\.0\.0\.1:\d+\/ops \(from RUNBOOK_STORE\); giving up after 10 s/.test(runs.err()), GUARD, 'the notice').catch((e: Error) => { throw new Error(`${e.message}: ${runs.err()}`); });
    assert.equal(await runs.exit, 2, runs.err());
    assert.match(runs.err(), /cannot reach the store .*\(from RUNBOOK_STORE\)/);
    assert.doesNotMatch(runs.err(), /carol:[^*]/, 'no password');
  });

  it('refusing, then silent: the run goes on; the backlog is uploaded once the store is back', async (t) => {
    const dir = scratch(t);
    const file = join(dir, 't.jsonl');
    const driver = startCli(['run', FIXTURE, '--plain', '-i', `dir=${dir}`, '--transcript', file],
      { ...machineEnv(dir), RUNBOOK_STORE: lab.url('alice', lab.proxy.port) });
    const reader = await lab.as('carol');
    t.after(() => reader.end());
    const stored = async () => (await reader.query<{ line: string }>('SELECT line FROM runbook.events ORDER BY run_id, seq')).map((r) => r.line);
    const steps = () => (existsSync(join(dir, 'steps')) ? readFileSync(join(dir, 'steps'), 'utf8').split('\n') : []);

    // Refused: steps one and two finish and hold starts; the store has nothing.
    await until(() => steps().includes('hold'), GUARD, 'the hold step to start');
    assert.ok(fileLines(file).some((l) => l.includes('"type":"step-finished"') && l.includes('"stepId":"two"')));
    assert.deepEqual(await stored(), []);
    await until(() => /store unreachable/.test(driver.err()), GUARD, 'the driver to say the store is unreachable');

    // Silent (TCP accepted, no answer): the run moves on to the next step all the same.
    await lab.proxy.set('silent');
    const acceptedBefore = lab.proxy.accepted();
    writeFileSync(join(dir, 'go-hold'), '');
    await until(() => steps().includes('three'), GUARD, 'step three to start while the store is silent');
    await until(() => lab.proxy.accepted() > acceptedBefore, GUARD, 'the uploader to try the silent store');
    assert.deepEqual(await stored(), []);

    // Back: the backlog arrives, exactly the local lines, in order.
    await lab.proxy.set('forward');
    await until(async () => (await stored()).length >= fileLines(file).length, GUARD, 'the backlog to be uploaded');
    assert.deepEqual(await stored(), fileLines(file).slice(0, (await stored()).length));

    writeFileSync(join(dir, 'go-three'), '');
    assert.equal(await driver.exit, 0, driver.err());
    const local = fileLines(file);
    assert.ok(local[local.length - 1]!.includes('"type":"run-finished"'));
    assert.deepEqual(await stored(), local, 'the store holds the transcript line for line');
    const runs = await reader.query<{ state: string; operator: string }>('SELECT state, operator FROM runbook.runs');
    assert.deepEqual(runs.map((r) => [r.state, r.operator]), [['resolved', 'alice']]);
    assert.match(driver.err(), /store reachable again/);
  });

  it('a run that ends with the store down says so; store push uploads it later, and refuses a changed store copy', async (t) => {
    await lab.proxy.set('refuse');
    const dir = scratch(t);
    const file = join(dir, 't.jsonl');
    for (const go of ['go-hold', 'go-three']) writeFileSync(join(dir, go), '');
    const env = { ...machineEnv(dir), RUNBOOK_STORE: lab.url('alice', lab.proxy.port) };
    const ran = cli(['run', FIXTURE, '--plain', '-i', `dir=${dir}`, '--transcript', file], { env });
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stderr, new RegExp(`events were not uploaded .*runbook store push ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const runId = (JSON.parse(fileLines(file)[0]!) as { runId: string }).runId;

    await lab.proxy.set('forward');
    // Through the proxy, which lives in this process: the CLI runs asynchronously (spawnSync would freeze it).
    const push = async () => { const p = startCli(['store', 'push', file], env); const code = await p.exit; return { code, stdout: p.out(), stderr: p.err() }; };
    const pushed = await push();
    assert.equal(pushed.code, 0, pushed.stderr);
    const owner = await lab.as('rb_owner');
    t.after(() => owner.end());
    const stored = async () => (await owner.query<{ line: string }>('SELECT line FROM runbook.events WHERE run_id = $1 ORDER BY seq', [runId])).map((r) => r.line);
    assert.deepEqual(await stored(), fileLines(file));
    assert.match((await push()).stdout, /the store has all \d+ lines \(0 uploaded now\)/);

    await owner.query('ALTER TABLE runbook.events DISABLE TRIGGER append_only');
    await owner.query(`UPDATE runbook.events SET line = replace(line, 'echo two', 'echo 2') WHERE run_id = $1 AND line LIKE '%echo two%'`, [runId]);
    await owner.query('ALTER TABLE runbook.events ENABLE TRIGGER append_only');
    const refused = await push();
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /differs from this transcript: event \d+ was changed in the store.*nothing in the store was changed/);
  });
});

describe('the store is the witness of four eyes', { timeout: E2E_TEST_LIMIT_MS }, () => {
  let lab: StoreLab;
  before(async () => { lab = await startStoreLab(); });
  after(async () => { await lab?.stop(); });

  it('a --break-glass transcript edited to say a teammate approved is refused by store push; the honest one is taken, labelled break-glass', async (t) => {
    const dir = scratch(t);
    const file = join(dir, 't.jsonl');
    const home = { ...machineEnv(dir) };
    // No store reachable while the run goes on: the driver breaks the glass, recorded as such.
    const ran = cli(['run', FOUR_EYES, '--plain', '-i', `dir=${dir}`, '--transcript', file, '--break-glass', 'the pool is full'], { env: home });
    assert.equal(ran.code, 0, ran.stderr);
    const forged = join(dir, 'forged.jsonl');
    const text = readFileSync(file, 'utf8');
    assert.match(text, /"how":"break-glass"/);
    writeFileSync(forged, text.replace(/"how":"break-glass"/, '"how":"four-eyes","approver":"bob","decidedAt":"2026-11-25T03:00:00.000Z"'));
    const env = { ...home, RUNBOOK_STORE: lab.url('alice') };
    const refused = cli(['store', 'push', forged], { env });
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /store push stopped: the store refused this transcript: event \d+ of run \S+ says bob decided at the gate of terminate, and the store holds no such decision/);
    const owner = await lab.as('rb_owner');
    t.after(() => owner.end());
    const runId = (JSON.parse(fileLines(file)[0]!) as { runId: string }).runId;
    const stored = async () => (await owner.query<{ line: string }>('SELECT line FROM runbook.events WHERE run_id = $1 ORDER BY seq', [runId])).map((r) => r.line);
    assert.ok(!(await stored()).some((l) => l.includes('"approver":"bob"')), 'the forged answer is not in the store');
    const honest = cli(['store', 'push', file], { env });
    assert.equal(honest.code, 0, honest.stderr);
    assert.deepEqual(await stored(), fileLines(file));
    const followed = cli(['follow', runId], { env: { ...machineEnv(scratch(t)), RUNBOOK_STORE: lab.url('carol') } });
    assert.equal(followed.code, 0, followed.stderr);
    assert.match(followed.stdout, /→ yes — by \S+ \(break-glass\): the pool is full/);
  });
});
