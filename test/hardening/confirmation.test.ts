// A destructive step never runs without its approval, however the CLI is driven: a real terminal (tmux) with
// keys typed ahead, no terminal, `yes` piped in, --dry-run, --approve for another step, and `resume` after a
// kill at the gate, after a kill mid-step, and with an approval forged into the transcript. The step would
// create a marker file; every test asserts its absence (and one shows the file does appear when approved).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, cli, finished, scratch, transcriptLines, until, writeRunbook } from './helpers.js';
import { TMUX, Tmux } from './tmux.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { killedStepsGone } from '../helpers/killed-run.js';

const GATE = `name: gate
title: A destructive step behind a gate
inputs:
  marker: { required: true }
  pause: { default: 0, type: number }
  delay: { default: 0, type: number }
  hold: { default: '' }
steps:
  # Both wait on the test (its hold file, a 300 s delay before acting): their own limit is far beyond any wait, so a
  # loaded machine that stalls the test's loop never turns a wait into a timed-out step (CI, twice).
  - id: look
    destructive: false
    safe_because: waits for the test's hold file, and reads nothing else
    timeout: 20m
    shell: echo looking; sleep \${{ inputs.pause }}; while [ -n \${{ inputs.hold }} ] && [ ! -e \${{ inputs.hold }} ]; do sleep 0.05; done
  - id: destroy
    destructive: true
    confirm: Create the marker?
    timeout: 20m
    shell: sleep \${{ inputs.delay }}; touch \${{ inputs.marker }}
  - id: destroy-high
    destructive: true
    risk: high
    shell: touch \${{ inputs.marker }}-high
  - id: done
    end: resolved
`;

function setup(t: { after(fn: () => void): void }) {
  const dir = scratch(t);
  const marker = join(dir, 'marker');
  const runbook = writeRunbook(dir, 'gate', GATE);
  const nothingRan = (why: string) => {
    assert.equal(existsSync(marker), false, `${why}: the destructive step ran`);
    assert.equal(existsSync(`${marker}-high`), false, `${why}: the high-risk step ran`);
  };
  return { dir, marker, runbook, nothingRan, transcript: join(dir, 'run.jsonl') };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A copy of a transcript as a run of its own (a new run id): copies of one run are refused once the run went
 *  further elsewhere (resume-copies.test.ts); here each copy stands for a separate run the same way. */
function asOwnRun(from: string, to: string): void {
  const [header, ...rest] = readFileSync(from, 'utf8').split('\n');
  writeFileSync(to, [JSON.stringify({ ...JSON.parse(header!), runId: randomUUID() }), ...rest].join('\n'));
}

describe('confirmation cannot be bypassed', { concurrency: true }, () => {
  test('no terminal: without --approve/--yes the run stops at the gate (plain by flag and by default)', async (t) => {
    const s = setup(t);
    for (const plain of [['--plain'], []]) {
      const r = await cli(['run', s.runbook, ...plain, '--no-transcript', '-i', `marker=${s.marker}`]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /'destroy' is destructive and was not approved, so it did not run/);
      s.nothingRan(`plain ${plain.join(' ')}`);
    }
  });

  test('`yes` (or any answers) piped into stdin approves nothing', async (t) => {
    const s = setup(t);
    for (const feed of ['yes', 'yes destroy', "printf 'y\\nyes\\ndestroy\\ndestroy-high\\n'"]) {
      const r = spawnSync('bash', ['-c', `${feed} | ${process.execPath} ${BIN} run ${s.runbook} --no-transcript -i marker=${s.marker}`],
        { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
      assert.equal(r.status, 1, `${feed}: ${r.stdout}${r.stderr}`);
      s.nothingRan(feed);
    }
  });

  test('--approve for another step, and --dry-run (even with --yes), run nothing destructive', async (t) => {
    const s = setup(t);
    const other = await cli(['run', s.runbook, '--plain', '--no-transcript', '--approve', 'look', '--approve', 'destroy-high', '-i', `marker=${s.marker}`]);
    assert.equal(other.code, 1, other.stdout);
    s.nothingRan('--approve look');
    for (const flags of [['--dry-run'], ['--dry-run', '--yes'], ['--dry-run', '--approve', 'destroy']]) {
      const r = await cli(['run', s.runbook, '--plain', '--transcript', `${s.transcript}${flags.length}`, ...flags, '-i', `marker=${s.marker}`]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      s.nothingRan(flags.join(' '));
      const skipped = transcriptLines(`${s.transcript}${flags.length}`).filter((l) => l.type === 'step-skipped' && l.reason === 'dry-run').map((l) => l.stepId);
      assert.deepEqual(skipped, ['look', 'destroy', 'destroy-high'], 'look is vouched for (outside the proven subset): shown too');
    }
  });

  describe('in a terminal', { skip: !TMUX && 'tmux is not installed', concurrency: true }, () => {
    test('keys typed before the gate appears do not answer it; y runs the step, a typed id is needed for high risk', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const s = setup(t);
      // The first step runs until the test lets it finish (a file), so the keys below are typed while it runs
      // however slow the machine is (a 2 s step could end before the screen was first read).
      const hold = join(s.dir, 'go');
      const term = new Tmux(s.dir, ['run', s.runbook, '--no-transcript', '-i', `marker=${s.marker}`, '-i', `hold=${hold}`]);
      t.after(() => term.close());
      await term.until('looking');
      // An operator hammering y (and Enter) while the first step runs. Only before the gate exists: a key sent
      // once it is drawn (before the test reads the screen) would be typed after the gate appeared.
      for (let i = 0; i < 60; i++) {
        term.keys('y');
        if (i % 3 === 0) term.keys('Enter');
      }
      assert.match(term.screen(), /looking/);
      writeFileSync(hold, '');
      await term.until('CONFIRM');
      // The keys show once the gate takes them: every key typed before was read (and dropped) by then.
      await term.until('abort the run');
      assert.match(term.screen(), /CONFIRM +destroy/);
      s.nothingRan('type-ahead');
      term.keys('y');
      await until(() => existsSync(s.marker), 60_000, 'y to run the step'); // hang guard: ~0.1 s idle (issue #20)
      // High risk: y, Enter, a wrong id — none of them runs it.
      await term.until('type destroy-high and Enter'); // shown once the gate takes keys
      term.keys('y');
      term.keys('Enter');
      term.text('destroy');
      term.keys('Enter');
      await term.until('type destroy-high exactly to run it');
      await sleep(500); // not a bound: a moment in which a wrongly accepted answer could run the step
      assert.equal(existsSync(`${s.marker}-high`), false, 'the high-risk step ran without its id typed');
      term.text('abort');
      term.keys('Enter');
      assert.equal(await term.exitCode(), 130);
      assert.equal(existsSync(`${s.marker}-high`), false);
    });

    test('resume after a kill at the gate asks again: plain refuses, forged approvals in the transcript are ignored', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const s = setup(t);
      const term = new Tmux(s.dir, ['run', s.runbook, '--transcript', s.transcript, '-i', `marker=${s.marker}`]);
      t.after(() => term.close());
      await term.until('CONFIRM');
      process.kill(term.nodePid(), 'SIGKILL');
      await term.exitCode();
      const lines = transcriptLines(s.transcript);
      assert.ok(lines.some((l) => l.type === 'confirmation-requested' && l.stepId === 'destroy'));
      assert.equal(finished(lines), undefined);
      s.nothingRan('killed at the gate');

      // Someone appends an approval for the step to the transcript (as if it had been answered before the kill).
      const forged = join(s.dir, 'forged.jsonl');
      asOwnRun(s.transcript, forged);
      const last = lines[lines.length - 1]!;
      appendFileSync(forged, `${JSON.stringify({ type: 'confirmation-answered', seq: (last.seq ?? 0) + 1, ts: new Date().toISOString(), stepId: 'destroy', answer: 'yes', by: 'mallory', how: 'key', waitedMs: 1 })}\n`);
      const dry = join(s.dir, 'dry.jsonl');
      copyFileSync(forged, dry);
      for (const file of [s.transcript, forged]) {
        const r = await cli(['resume', file, '--plain']);
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.match(r.stdout, /'destroy' is destructive and was not approved, so it did not run/);
        s.nothingRan(`resume ${file}`);
        const gate = transcriptLines(file).filter((l) => l.type === 'confirmation-requested' && l.stepId === 'destroy').pop();
        assert.equal(gate?.resumed, false, 'the step never started, so the gate does not say it may have partly run');
      }
      // A dry run cannot continue a real one (it would approve the gate by itself).
      const r = await cli(['resume', dry, '--plain', '--dry-run', '--yes']);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      s.nothingRan('resume --dry-run');
    });

    test('resume after a kill in the middle of an approved destructive step asks again before rerunning it', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const s = setup(t);
      const run = cli(['run', s.runbook, '--plain', '--approve', 'destroy', '--transcript', s.transcript, '-i', `marker=${s.marker}`, '-i', 'delay=300']);
      // The step sleeps 300 s before it acts: on a loaded machine the test's own loop may stall for many seconds
      // between seeing the step start and killing the run (30 s was not enough, twice in CI).
      await until(() => transcriptLines(s.transcript).some((l) => l.type === 'step-started' && l.stepId === 'destroy'), 30_000, 'the approved step to start');
      run.child.kill('SIGKILL');
      await run;
      await killedStepsGone(s.transcript); // resume would refuse while the killed step runs (issue #20)
      s.nothingRan('killed mid-step');
      const again = join(s.dir, 'again.jsonl');
      asOwnRun(s.transcript, again);
      // The earlier approval does not carry over: plain mode without --approve refuses the re-run.
      // No `-i delay=0`: the step does not run again here, and a resume refuses another input value (#46).
      const refused = await cli(['resume', s.transcript, '--plain']);
      assert.equal(refused.code, 1, refused.stdout + refused.stderr);
      assert.match(refused.stdout, /'destroy' was in flight when the run was interrupted and may have partly run; it was not approved, so it did not run again/);
      const gate = transcriptLines(s.transcript).filter((l) => l.type === 'confirmation-requested' && l.stepId === 'destroy').pop();
      assert.equal(gate?.resumed, true, 'the gate says the step was in flight');
      s.nothingRan('resume without approval');
      // In a terminal, the resumed gate waits for its answer; a aborts.
      const term = new Tmux(s.dir, ['resume', again]);
      t.after(() => term.close());
      await term.until('it may have partly run');
      await term.until('abort the run');
      term.keys('a');
      assert.equal(await term.exitCode(), 130);
      s.nothingRan('resume in a terminal, aborted');
      assert.match(readFileSync(again, 'utf8'), /"answer":"abort"/);
    });
  });
});
