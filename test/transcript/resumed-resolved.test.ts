// "resolved" after a resume means the application works now (a probe of stop 78): a run stopped at its gate after
// its check passed (here: at a manual step's question), the database then stopped, and the resume approved the act: it ended `resolved` on the old
// check. Now a resumed run about to end resolved that ran no check of its own runs the last check again: with the
// server down it ends escalate, naming the check and its error; with the server up it ends resolved, saying so.
// A resume that runs a check of its own on the way (the check after the act) is not asked twice.
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import type { Line } from '../hardening/helpers.js';
import { killedAtQuestionAndResumed } from './killed-at-question.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { NOT_CHECKED } from '../../src/engine/application-check.js';

const runbook = (url: string, checkAfter: boolean) => `name: resumed-check
title: A check, then an act behind its gate
connections:
  db: { url: ${JSON.stringify(url)} }
steps:
  - id: check
    sql: { query: "SELECT 1 AS up" }
  - id: ask
    manual: Tell the application's owner.
  - id: act
    destructive: true
    shell: "true"
${checkAfter ? `  - id: again
    sql: { query: "SELECT 2 AS up" }
` : ''}  - id: done
    end: resolved
    message: the database answers
`;

/** The runbook killed at its question and resumed approving the act (killed-at-question.ts). */
const resumedAfterStop = (t: TestContext, url: string, checkAfter: boolean, meanwhile?: () => Promise<void>) =>
  killedAtQuestionAndResumed(t, runbook(url, checkAfter), meanwhile);

const checksStarted = (lines: Line[]) => lines.filter((l) => l.type === 'step-started' && l.stepId === 'check').length;

describe('a resumed run that would end resolved on a check made before it stopped', () => {
  let server: LabServer;
  before(async () => { server = await startPostgres({ postgresVersion: '18' }); });
  after(async () => { await server?.stop(); });

  it('the check passes again: resolved, saying it was checked again', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const { r, lines, end } = await resumedAfterStop(t, server.url(), false);
    assert.equal(end?.outcome, 'resolved', r.stdout + r.stderr);
    assert.match(end!.message, /'check', checked again after the resume, ended ok as before/);
    assert.equal(checksStarted(lines), 2, 'the check ran again');
  });

  it('the server stopped meanwhile: escalate, naming the check and why, exit non-zero', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    try {
      const { r, end } = await resumedAfterStop(t, server.url(), false, () => server.stop());
      assert.equal(end?.outcome, 'escalate', r.stdout + r.stderr);
      assert.match(end!.message, /'check', checked again after the resume, ended failed/);
      assert.notEqual(r.code, 0);
    } finally {
      server = await startPostgres({ postgresVersion: '18' });
    }
  });

  it('a resume that runs a check after the act ends on that check alone', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const { r, lines, end } = await resumedAfterStop(t, server.url(), true);
    assert.equal(end?.outcome, 'resolved', r.stdout + r.stderr);
    assert.equal(end!.message, `the database answers ${NOT_CHECKED}`);
    assert.equal(checksStarted(lines), 1);
  });
});
