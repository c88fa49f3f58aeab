// A run driven through the team store is reported by its store roles (issue #47): on a shared host every driver
// is the same OS user, so the report, the replay and the transcript name the store role first and the OS user as
// a detail, for the run and for whoever resumed it. Real store, real CLI: alice starts, dies at the hold step,
// carol takes it over; both are named.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { cli } from '../helpers/cli.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { driveToHold, fileLines, machineEnv, scratch, startCli, startStoreLab, type Person, type StoreLab } from './helpers.js';

describe('the report names store roles', { timeout: E2E_TEST_LIMIT_MS }, () => {
  let lab: StoreLab;
  before(async () => { lab = await startStoreLab(); });
  after(async () => { await lab?.stop(); });

  it('the run\'s driver and its resumer by store role, the OS user as a detail', async (t) => {
    const env = (home: string, who: Person) => ({ ...machineEnv(home), RUNBOOK_STORE: lab.url(who) });
    const { dir, file, runId, driver } = await driveToHold(t, lab, (home) => env(home, 'alice'));
    driver.child.kill('SIGKILL');
    await driver.exit;
    writeFileSync(join(dir, 'go-hold'), '');
    writeFileSync(join(dir, 'go-three'), '');
    const carol = startCli(['resume', runId, '--plain', '--retarget', '--approve', 'hold'], env(scratch(t), 'carol'), dir);
    assert.equal(await carol.exit, 0, carol.err());

    const os = userInfo().username;
    const header = JSON.parse(fileLines(file)[0]!) as { operator: string; storeRole?: string };
    assert.deepEqual([header.storeRole, header.operator], ['alice', os]);
    // carol resumed the store's copy, fetched into her working directory's runbook-transcripts/
    const copy = join(dir, 'runbook-transcripts', `${runId}.jsonl`);
    const report = cli(['report', copy]);
    assert.equal(report.code, 0, report.stderr);
    assert.ok(report.stdout.includes(`alice (store role; OS user ${os}) on `), report.stdout);
    assert.ok(report.stdout.includes(`resumed by carol (store role; OS user ${os})`), report.stdout);
    const replay = cli(['replay', copy]);
    assert.equal(replay.code, 0, replay.stderr);
    assert.ok(replay.stdout.includes(`alice (store role; OS user ${os}) on `), replay.stdout);
    assert.ok(replay.stdout.includes(`▶ resumed by carol (store role; OS user ${os})`), replay.stdout);
  });
});
