// MariaDB reads a built-in name followed by a space (or a comment) before `(` as a call of the current database's
// stored function of that name, unless sql_mode has IGNORE_SPACE (issue #45): `COUNT (1)`, `NOW ()`. The
// classifier reads every such text as the built-in. The read pin sets IGNORE_SPACE, so the server reads it so too.
// Generated from the read list itself: for every name on it, a hostile twin in the application's database (a
// stored function of that name, SQL SECURITY DEFINER as root, that changes a global setting), called with a space
// and with a comment before `(`, in real runs and dry runs. The global setting stays as it was.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { MYSQL_READ_ONLY } from '../../src/language/sql/read-only-functions.js';
import { classifySql } from '../../src/language/sql/index.js';
import { adminQuery } from '../db/helpers.js';
import { runSteps, type Step } from './read-steps.js';

/** Names the grammar reads as syntax whatever the spacing (no function can be called through them). */
const SYNTAX = new Set(['CAST', 'CONVERT', 'BINARY', 'INTERVAL', 'DIV', 'EXTRACT', 'POSITION', 'MOD', 'TRIM', 'SUBSTRING', 'SUBSTR',
  'CURRENT_DATE', 'CURRENT_TIME', 'CURRENT_TIMESTAMP', 'LOCALTIME', 'LOCALTIMESTAMP', 'CURRENT_USER', 'CURRENT_ROLE', 'UTC_DATE', 'UTC_TIME', 'UTC_TIMESTAMP',
  'DATE', 'TIME', 'CHAR', 'LEFT', 'RIGHT', 'REPEAT', 'REPLACE', 'IF', 'DATABASE', 'SCHEMA', 'USER', 'INSERT', 'YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'WEEK', 'QUARTER']);
const MARK = 31; // net_read_timeout the twins set; the server's default is 30

describe('MariaDB: a built-in name with a space before ( is the built-in, never the database\'s stored function', () => {
  let server: LabServer;
  const names = [...MYSQL_READ_ONLY].filter((n) => !SYNTAX.has(n)).sort();

  before(async () => {
    server = await startMariadb();
    for (const n of names) {
      await adminQuery(server, `CREATE DEFINER = CURRENT_USER FUNCTION \`${server.database}\`.\`${n}\`(a INT) RETURNS INT SQL SECURITY DEFINER `
        + `BEGIN SET GLOBAL net_read_timeout = ${MARK}; RETURN a; END`);
    }
  });
  after(() => server?.stop());

  const twinsRan = async () => Number((await adminQuery(server, 'SELECT @@GLOBAL.net_read_timeout AS t'))[0]!.t) === MARK;

  it('each twin is real: called through the database, it changes the global setting', async () => {
    for (const n of names.slice(0, 3)) {
      await adminQuery(server, `SELECT \`${server.database}\`.\`${n}\`(1)`);
      assert.ok(await twinsRan(), `${n}: the twin ran`);
      await adminQuery(server, 'SET GLOBAL net_read_timeout = DEFAULT');
    }
  });

  for (const dryRun of [false, true]) {
    it(`${dryRun ? 'dry run' : 'real run'}: ${'every name'} with a space and with a comment before ( runs the built-in`, async () => {
      // The texts the classifier proves reads: the ones that could reach a twin (a refused text never runs as a read).
      const steps: Step[] = names.flatMap((n) => [`SELECT ${n} (1) AS x`, `SELECT ${n}/**/(1) AS x`])
        .filter((query) => classifySql(query, 'mysql').readOnly).map((query) => ({ query, params: [] }));
      assert.ok(steps.length >= 84, `the classifier proves ${steps.length} of the generated texts: too few to say anything`);
      await adminQuery(server, 'SET GLOBAL net_read_timeout = DEFAULT');
      const events = await runSteps(server.url(), steps, dryRun);
      const ran = events.filter((e) => e.type === 'step-finished' && e.stepId.startsWith('s')).length;
      assert.equal(ran, steps.length, 'every step ran to its end');
      assert.equal(await twinsRan(), false, 'a stored function named like a built-in ran');
    });
  }
});
