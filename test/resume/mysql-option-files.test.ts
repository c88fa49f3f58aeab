// The MariaDB client reads $MARIADB_HOME/my.cnf; the run's record of client configuration files named
// $MYSQL_HOME's only. A probe of stop 78 (real CLI, kill -9, lab MariaDB A and B): the [client] section of
// $MARIADB_HOME/my.cnf pointed at B between the kill and the resume, and the resumed `mariadb -e "INSERT …"`
// wrote to B, unrefused. Now the files are the ones the installed client lists itself.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { mysqlOptionFiles } from '../../src/resume/mysql-option-files.js';
import { GO_WAIT_STEP, killedRun } from '../helpers/killed-run.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { cli, scratch } from '../hardening/helpers.js';

let A: LabServer;
let B: LabServer;
before(async () => {
  A = await startMariadb(); // one at a time: two cores are shared
  B = await startMariadb();
  for (const s of [A, B]) await admin(s, 'CREATE TABLE marks (what TEXT)');
});
after(async () => { await Promise.all([A?.stop(), B?.stop()]); });

async function admin(s: LabServer, sql: string): Promise<unknown[]> {
  const c = await createConnection({ host: s.host, port: s.port, user: s.superuser, password: s.superPassword, database: s.database });
  try { return (await c.query(sql))[0] as unknown[]; } finally { await c.end(); }
}
const marks = async (s: LabServer) => Number(((await admin(s, 'SELECT COUNT(*) AS n FROM marks')) as { n: number }[])[0]!.n);

/** A [client] section that logs in to `s` as its application user. */
const clientTo = (s: LabServer) => `[client]\nhost=${s.host}\nport=${s.port}\nuser=${s.appUser}\npassword="${s.appPassword}"\n`;

const RUNBOOK = `name: acts
title: Writes where the client's option files point
inputs:
  go: { required: true }
steps:
${GO_WAIT_STEP}
  - id: act
    destructive: true
    shell: mariadb -e "INSERT INTO marks VALUES ('act')" app_db
  - id: done
    end: resolved
    message: written
`;

test('the client lists $MARIADB_HOME/my.cnf, and so does the record', (t) => {
  const dir = scratch(t);
  const files = mysqlOptionFiles({ PATH: process.env.PATH, HOME: join(dir, 'home'), MARIADB_HOME: join(dir, 'mh') });
  assert.ok(files.includes(join(dir, 'mh', 'my.cnf')), files.join(' '));
  assert.ok(files.includes(join(dir, 'home', '.my.cnf')), '~ is the environment\'s HOME');
});

test('$MARIADB_HOME/my.cnf pointed at B between kill -9 and resume: refused naming it; --retarget writes to B once', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const mh = join(dir, 'mh');
  const home = join(dir, 'home');
  mkdirSync(mh);
  mkdirSync(home);
  const env = { MARIADB_HOME: mh, HOME: home };
  writeFileSync(join(mh, 'my.cnf'), clientTo(A));
  const transcript = await killedRun(dir, 'mh', RUNBOOK, [], env);
  writeFileSync(join(mh, 'my.cnf'), clientTo(B));
  const refused = await cli(['resume', transcript, '--plain', '--yes'], { env });
  assert.equal(refused.code, 2, refused.stdout + refused.stderr);
  assert.match(refused.stderr, new RegExp(`refusing to resume: .*${join(mh, 'my.cnf').replace(/[.]/g, '\\.')}`));
  assert.ok(!refused.stderr.includes(B.appPassword), 'the file\'s password is not shown');
  assert.deepEqual([await marks(A), await marks(B)], [0, 0], 'nothing was written');
  const retarget = await cli(['resume', transcript, '--plain', '--retarget', '--approve', 'wait', '--approve', 'act'], { env });
  assert.equal(retarget.code, 0, retarget.stdout + retarget.stderr);
  assert.deepEqual([await marks(A), await marks(B)], [0, 1], 'written once, to B, where the operator retargeted it');
});
