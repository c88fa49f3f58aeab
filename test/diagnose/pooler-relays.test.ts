// PgBouncer relays the server's refusal of its own login to the waiting client, as 08P01 with the server's text
// (issue #48): a stale server password in its [databases] line read as the application's wrong password; a role at
// its limit, a missing database, a role that may not log in and a server starting up read as "other". Real
// PgBouncer (Debian's, 1.18) in front of real PostgreSQL; the pooler's own login is set on its [databases] line.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { pgbouncerBinary, startPgbouncer, startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliWithAnswers } from '../runbooks/answers.js';
import { assertAdviceAgrees, type AdviceOptions } from './advice-agrees.js';
import { readEvents } from '../runbooks/helpers.js';

const run = (url: string) => diagnose({ url, from: 'test' }, { timeoutMs: 10_000 });
const NO_POOLER = !pgbouncerBinary() && 'pgbouncer is not installed';

/** diagnose through a PgBouncer whose own login to the server is set by `serverParams`; then, unless told not to,
 *  the named runbook's dry run must advise on the same class (advice-agrees.ts). */
async function throughPooler(backend: LabServer, serverParams: string, advice: AdviceOptions | false = {}) {
  const pooler = await startPgbouncer(backend, { serverParams });
  try {
    const d = await run(pooler.url());
    if (advice && d.runbook) await assertAdviceAgrees(pooler.url(), d, advice);
    return d;
  } finally {
    await pooler.stop();
  }
}

describe('PgBouncer relaying the server\'s refusal of its own login', { skip: NO_POOLER }, () => {
  let server: LabServer;
  before(async () => {
    server = await startPostgres();
    await adminQuery(server, `CREATE ROLE barred LOGIN PASSWORD 'pw' CONNECTION LIMIT 0`);
    await adminQuery(server, `CREATE ROLE shut NOLOGIN PASSWORD 'pw'`);
  });
  after(async () => { await server?.stop(); });

  it('a stale server password on the [databases] line: the pooler\'s login to the server, not the application\'s password', async () => {
    const d = await throughPooler(server, `user=${server.appUser} password=stale`);
    assert.deepEqual([d.classification, d.runbook], ['pooler-backend-down', 'refused'], JSON.stringify(d.checks));
    assert.match(d.finding, /cannot log in to the database server behind it/);
  });

  it('the server\'s role at CONNECTION LIMIT 0: too-many-connections, that role\'s own limit', async () => {
    // The runbook asks for an administrator's URL (the pooler's role cannot log in) and names the role's own limit.
    const d = await throughPooler(server, 'user=barred password=pw', { inputs: { target_percent: '1000' }, answers: [server.adminUrl()], steps: ['role-limit'] });
    assert.deepEqual([d.classification, d.runbook], ['too-many-connections', 'pool-exhausted'], JSON.stringify(d.checks));
    assert.equal(d.checks.find((c) => c.layer === 'connect')?.details?.limitScope, 'role');
  });

  it('the [databases] line names a database the server lacks: database-missing', async () => {
    const d = await throughPooler(server, 'dbname=nosuchdb');
    assert.deepEqual([d.classification, d.runbook], ['database-missing', 'auth'], JSON.stringify(d.checks));
  });

  it('the pooler logs in as a NOLOGIN role: account-locked', async () => {
    const d = await throughPooler(server, 'user=shut password=pw');
    assert.deepEqual([d.classification, d.runbook], ['account-locked', 'auth'], JSON.stringify(d.checks));
  });
});

describe('PgBouncer in front of a server still starting up', { skip: NO_POOLER }, () => {
  let starting: LabServer;
  before(async () => { starting = await startPostgres({ startingUp: true }); });
  after(async () => { await starting?.stop(); });

  it('the relayed "the database system is starting up": server-starting, the refused runbook (which waits for it)', async () => {
    // No dry run here: the refused runbook rightly waits up to 3 min for a server starting up to take logins
    // (wait-login); its route there is in runbooks/refused.cases.yaml.
    const d = await throughPooler(starting, '', false);
    assert.deepEqual([d.classification, d.runbook], ['server-starting', 'refused'], JSON.stringify(d.checks));
  });
});

// A user missing from PgBouncer's auth_file is looked up on the server with auth_query, as auth_user; an auth_user
// that may not read pg_shadow fails the lookup, and PgBouncer answers only "bouncer config error" (08P01). Not the
// application's password (never checked), not "other".
describe('PgBouncer whose auth_query lookup is denied', { skip: NO_POOLER }, () => {
  let server: LabServer;
  const dir = mkdtempSync(join(tmpdir(), 'runbook-auth-query-'));
  before(async () => {
    server = await startPostgres();
    await adminQuery(server, `CREATE ROLE newapp LOGIN PASSWORD 'np'`);
  });
  after(async () => { await server?.stop(); rmSync(dir, { recursive: true, force: true }); });

  it('diagnose: pooler-auth-query, the auth runbook, whose advice names the lookup and not the password; a dry run leaves it so', async () => {
    // The application's role as auth_user: a login role without access to pg_shadow.
    const pooler = await startPgbouncer(server, { authUser: server.appUser });
    try {
      const url = pooler.url({ user: 'newapp', password: 'np' });
      const d = await run(url);
      assert.deepEqual([d.classification, d.runbook], ['pooler-auth-query', 'auth'], JSON.stringify(d.checks));
      assert.match(d.finding, /could not look this user up.*auth_query.*password was never checked/);
      const transcript = join(dir, 'auth.jsonl');
      const r = await runCliWithAnswers(['run', 'auth', '--dry-run', '--plain', '--transcript', transcript, '--input', `url=${url}`], ['not-now']);
      const events = readEvents(transcript);
      const asked = events.find((e) => e.type === 'question-asked') as { question?: { stepId?: string; action?: { instructions?: string } } } | undefined;
      assert.equal(asked?.question?.stepId, 'pooler-auth-query', r.stdout + r.stderr);
      const advice = String(asked?.question?.action?.instructions);
      assert.match(advice, /bouncer config error".*auth_query.*do not rotate it/s);
      assert.doesNotMatch(advice, /password the application sends|wrong password/);
      assert.equal((await run(url)).classification, 'pooler-auth-query'); // the dry run changed nothing
    } finally {
      await pooler.stop();
    }
  });
});
