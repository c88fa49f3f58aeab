// A check run again after a resume is judged by the routes its result takes, not by its status alone (stop 78 left
// it, a probe of stop 79): a check whose rows said "nothing holds → go on", killed -9 at a later question, rows
// added meanwhile, resumed: the check ran again, ended ok "as before" and the run ended resolved though its rows now
// route to the escalation. Now every decision the run made from the check — its own `next`/`on`, a later step's
// `if`, a vars value computed from it and the branch on that, an end's `if` — is taken again over the new result:
// one that differs ends the run `escalate`, naming the step and both routes; rows that decide the same stay resolved.
// Generated: five places of the decision × changed or not, in an order from seed 79; and an `on:` key over the
// check's classification, the server's privilege taken away meanwhile (failed both times, another route).
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { killedAtQuestionAndResumed } from './killed-at-question.js';
import { rng } from '../helpers/rng.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

/** Where the run decides from the check's rows (count of the table: 0 when killed). Each runbook reaches `done`
 *  (resolved) when the rows say 0 and `busy` (escalate) otherwise. */
const FORMS: Record<string, { check: string; after: string; act?: string; done?: string }> = {
  'its own next': { check: `    next:\n      - if: steps.check.rows[0].n == 0\n        goto: ask\n      - goto: busy\n`, after: '' },
  'a capture in its next': { check: `    capture: c\n    next:\n      - if: c.rows[0].n < 1\n        goto: ask\n      - goto: busy\n`, after: '' },
  "a later step's if": { check: '', after: '', act: `    if: steps.check.rows[0].n == 0\n    on: { skipped: busy }\n` },
  'a vars value, then a branch': { check: '', after: `  - id: v\n    vars: { idle: "steps.check.rows[0].n == 0" }\n`, act: `    next:\n      - if: vars.idle\n        goto: done\n      - goto: busy\n` },
  "an end's if": { check: '', after: '', done: `    if: steps.check.rows[0].n == 0\n` },
};

const runbook = (url: string, table: string, form: (typeof FORMS)[string]) => `name: resumed-routes
title: A check whose rows route the run
connections:
  db: { url: ${JSON.stringify(url)} }
steps:
  - id: check
    sql: { query: "SELECT count(*)::int AS n FROM ${table}" }
${form.check}${form.after}  - id: ask
    manual: Tell the application's owner.
  - id: act
    destructive: true
    shell: "true"
${form.act ?? ''}  - id: done
${form.done ?? ''}    end: resolved
    message: nothing holds
  - id: busy
    end: escalate
    message: rows hold
`;


const CASES = Object.keys(FORMS).flatMap((form) => [true, false].map((changed) => ({ form, changed })));
const random = rng(79);
const ORDER = CASES.map((c) => ({ c, k: random() })).sort((a, b) => a.k - b.k).map(({ c }) => c);

describe('a check run again after a resume decides the run as it did, or the run escalates', () => {
  let server: LabServer;
  before(async () => { server = await startPostgres({ postgresVersion: '18' }); });
  after(async () => { await server?.stop(); });

  ORDER.forEach(({ form, changed }, i) => {
    it(`${form}, rows ${changed ? 'added' : 'as they were'} before the resume`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const table = `hold_${i}`;
      await adminQuery(server, `CREATE TABLE ${table} (n int); GRANT SELECT ON ${table} TO PUBLIC`);
      const { r, lines, end } = await killedAtQuestionAndResumed(t, runbook(server.url(), table, FORMS[form]!),
        () => (changed ? adminQuery(server, `INSERT INTO ${table} VALUES (1)`) : Promise.resolve()));
      const checks = lines.filter((l) => l.type === 'step-finished' && l.stepId === 'check');
      assert.equal(checks.length, 2, 'the check ran again after the resume');
      if (!changed) {
        assert.equal(end?.outcome, 'resolved', r.stdout + r.stderr);
        assert.match(end!.message, /'check', checked again after the resume, ended ok as before, and decides the run's routes as it did then/);
        return;
      }
      assert.equal(end?.outcome, 'escalate', r.stdout + r.stderr);
      assert.match(end!.message, /'check', checked again after the resume, ended ok with a result that would now (take '[a-z]+' to|make the `if` of '[a-z]+')/);
      assert.notEqual(r.code, 0);
    });
  });

  it("an `on:` key over the check's classification: failed both times, by another route now", { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    await adminQuery(server, 'CREATE TABLE private_rows (n int); REVOKE ALL ON private_rows FROM PUBLIC');
    const yaml = runbook(server.url(), 'private_rows', { check: '    on: { privilege: ask }\n', after: '' });
    const { r, lines, end } = await killedAtQuestionAndResumed(t, yaml, () => adminQuery(server, 'DROP TABLE private_rows'));
    const checks = lines.filter((l) => l.type === 'step-finished' && l.stepId === 'check') as unknown as { result: { status: string; classification?: string } }[];
    assert.deepEqual(checks.map((c) => c.result.status), ['failed', 'failed'], 'failed then and now');
    assert.equal(checks[0]!.result.classification, 'privilege');
    assert.notEqual(checks[1]!.result.classification, 'privilege');
    assert.equal(end?.outcome, 'escalate', r.stdout + r.stderr);
    assert.match(end!.message, /would now take 'check' to the run failed \(it took it to 'ask'\)/);
  });

  // A read loop is a check too (language/check-step.ts): it was none, so a run whose last check before the kill was
  // one got no check again, and ended resolved with the database stopped.
  it('a read for_each as the check, the server stopped meanwhile: escalate, naming it', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    await adminQuery(server, 'CREATE TABLE looped (n int); GRANT SELECT ON looped TO PUBLIC');
    const yaml = runbook(server.url(), 'looped', { check: '', after: '' })
      .replace('  - id: check\n', '  - id: check\n    for_each: { in: "[\'a\', \'b\']", as: x }\n');
    try {
      const { r, end } = await killedAtQuestionAndResumed(t, yaml, () => server.stop());
      assert.equal(end?.outcome, 'escalate', r.stdout + r.stderr);
      assert.match(end!.message, /'check', checked again after the resume, ended failed/);
      assert.notEqual(r.code, 0);
    } finally {
      server = await startPostgres({ postgresVersion: '18' });
    }
  });
});
