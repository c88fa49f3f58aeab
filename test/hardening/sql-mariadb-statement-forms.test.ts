// MariaDB's statement forms a classifier may read otherwise than the server (a probe of stop 78): SET STATEMENT …
// FOR, EXECUTE IMMEDIATE, HANDLER, FOR SYSTEM_TIME, SELECT … INTO @v / OUTFILE / DUMPFILE, NEXT VALUE FOR,
// NEXTVAL / SETVAL / LASTVAL, PROCEDURE ANALYSE, a recursive CTE that calls NEXTVAL, VALUES, TABLE, JSON_TABLE,
// executable comments around the whole statement or a part of it, row locks, window frames. Generated (seed 78) in
// case, comment and executable-comment variants, each marked not destructive: one that acts (a write, a file, a
// sequence advanced, a lock, session state) must be refused by validate; the rest run real and dry against the lab's
// MariaDB, and the server's state (a table's checksum, the sequence, a versioned table, the files) is as before.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { cli, scratch, writeRunbook } from './helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { rng } from '../helpers/rng.js';

const pick = <T>(next: () => number, options: readonly T[]): T => options[Math.floor(next() * options.length)]!;
const cased = (next: () => number, w: string) => pick(next, [w, w.toLowerCase(), w.toUpperCase()]);

/** A form, and whether the server would act on it (write, file, sequence, lock, session state). */
interface Form { sql: string; acts: boolean }

/** Each template given the generator and a file path of its own. */
const TEMPLATES: ((next: () => number, file: string) => Form)[] = [
  (n) => ({ sql: `${cased(n, 'SET STATEMENT')} max_statement_time=10 FOR SELECT n FROM plain`, acts: false }),
  (n) => ({ sql: `SET STATEMENT max_statement_time=10 ${cased(n, 'FOR')} INSERT INTO plain VALUES (9)`, acts: true }),
  (n) => ({ sql: `${cased(n, 'EXECUTE IMMEDIATE')} '${pick(n, ['SELECT n FROM plain', 'INSERT INTO plain VALUES (9)'])}'`, acts: true }),
  (n) => ({ sql: `${cased(n, 'HANDLER')} plain ${pick(n, ['OPEN', 'READ FIRST'])}`, acts: true }),
  (n) => ({ sql: `SELECT n FROM vt ${cased(n, 'FOR SYSTEM_TIME')} ${pick(n, ['ALL', "AS OF TIMESTAMP '2001-01-01 00:00:00'"])}`, acts: false }),
  (n) => ({ sql: `SELECT n ${cased(n, 'INTO')} @v FROM plain LIMIT 1`, acts: true }),
  (n, f) => ({ sql: `SELECT n FROM plain ${cased(n, pick(n, ['INTO OUTFILE', 'INTO DUMPFILE']))} '${f}'`, acts: true }),
  (n) => ({ sql: `SELECT ${pick(n, ['NEXT VALUE FOR seq1', 'NEXTVAL(seq1)', 'SETVAL(seq1, 100)', 'nextval(`seq1`)'])} AS v`, acts: true }),
  (n) => ({ sql: `SELECT ${pick(n, ['LASTVAL(seq1)', 'PREVIOUS VALUE FOR seq1'])} AS v`, acts: false }),
  (n) => ({ sql: `SELECT n FROM plain ${cased(n, 'PROCEDURE')} ANALYSE()`, acts: false }),
  (n) => {
    const calls = n() < 0.5;
    return { sql: `WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3) SELECT ${calls ? 'NEXTVAL(seq1) + i' : 'i'} AS v FROM c`, acts: calls };
  },
  (n) => ({ sql: pick(n, ['VALUES (1), (2)', 'TABLE plain', 'SELECT * FROM JSON_TABLE(\'[1,2]\', \'$[*]\' COLUMNS (x INT PATH \'$\')) j']), acts: false }),
  (n) => ({ sql: `SELECT n FROM plain ${pick(n, ['LOCK IN SHARE MODE', 'FOR UPDATE', 'FOR UPDATE SKIP LOCKED', 'FOR UPDATE NOWAIT'])}`, acts: true }),
  (n) => ({ sql: `SELECT n, SUM(n) OVER (ORDER BY n ${pick(n, ['ROWS BETWEEN 1 PRECEDING AND CURRENT ROW', 'RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW'])}) AS s FROM plain`, acts: false }),
  (n) => ({ sql: `DO ${pick(n, ['NEXTVAL(seq1)', 'SETVAL(seq1, 5)'])}`, acts: true }),
];

/** A form, perhaps inside an executable comment (whole, or an acting part of a read), perhaps behind a comment. */
function generated(next: () => number, file: string): Form {
  const form = pick(next, TEMPLATES)(next, file);
  const wrap = pick(next, ['plain', 'whole', 'part', 'comment'] as const);
  const version = pick(next, ['!50000', 'M!100500', '!', 'M!']);
  if (wrap === 'whole') return { sql: `/*${version} ${form.sql} */`, acts: form.acts };
  if (wrap === 'part') return pick(next, [{ sql: `SELECT n FROM plain /*${version} FOR UPDATE */`, acts: true }, { sql: `SELECT /*${version} NEXTVAL(seq1) AS x, */ n FROM plain`, acts: true }, { sql: `SELECT n FROM plain /*${version} INTO @w */`, acts: true }]);
  if (wrap === 'comment') return { sql: `/* read */ ${form.sql} -- only\n`, acts: form.acts };
  return form;
}

/** Forms the classifier proves reads, run beside the generated ones that pass: a read, and it changes nothing. */
const PROVEN: Form[] = [
  { sql: 'WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3) SELECT i FROM c', acts: false },
  { sql: 'SELECT n, SUM(n) OVER (ORDER BY n ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM plain', acts: false },
  { sql: '/*M!100500 SELECT n FROM plain */', acts: false },
  { sql: '/*!50000 SELECT n FROM plain */', acts: false },
  { sql: 'SELECT n FROM plain /*!99999 , seq1 */', acts: false },
];

function runbook(url: string, forms: Form[]): string {
  const lines = ['name: forms', 'title: Statement forms', 'connections:', `  db: { url: ${JSON.stringify(url)} }`, 'steps:'];
  forms.forEach((f, i) => {
    const next = i + 1 < forms.length ? `r${i + 1}` : 'done';
    lines.push(`  - id: r${i}`, `    sql: { connection: db, query: ${JSON.stringify(f.sql)} }`, `    next: ${next}`, `    on: { error: ${next} }`);
  });
  lines.push('  - id: done', '    end: resolved', '');
  return lines.join('\n');
}

describe("MariaDB's statement forms, read as the server reads them", () => {
  let server: LabServer;
  let files: string;
  before(async () => {
    server = await startMariadb();
    files = mkdtempSync(join(tmpdir(), 'runbook-forms-'));
    await adminQuery(server, 'CREATE TABLE app_db.plain (n INT PRIMARY KEY) ENGINE=InnoDB');
    await adminQuery(server, 'INSERT INTO app_db.plain VALUES (1), (2)');
    await adminQuery(server, 'CREATE TABLE app_db.vt (n INT) WITH SYSTEM VERSIONING');
    await adminQuery(server, 'INSERT INTO app_db.vt VALUES (1)');
    await adminQuery(server, 'CREATE SEQUENCE app_db.seq1');
  });
  after(async () => { await server?.stop(); rmSync(files, { recursive: true, force: true }); });

  const state = async () => JSON.stringify([
    await adminQuery(server, 'CHECKSUM TABLE app_db.plain, app_db.vt'),
    await adminQuery(server, 'SELECT next_not_cached_value AS v FROM app_db.seq1'),
    await adminQuery(server, 'SELECT COUNT(*) AS c FROM app_db.vt FOR SYSTEM_TIME ALL'),
  ]);

  it('60 generated forms (seed 78): each that acts is refused by validate; the rest, and five proven reads, change nothing, real and dry', { timeout: E2E_TEST_LIMIT_MS * 2 }, async (t) => {
    const next = rng(78);
    const forms = Array.from({ length: 60 }, (_, i) => generated(next, join(files, `out-${i}.txt`)));
    const dir = scratch(t);
    const all = writeRunbook(dir, 'all', runbook(server.url(), forms));
    const v = await cli(['validate', all], { cwd: dir });
    const refused = new Set([...v.stdout.matchAll(/step 'r(\d+)'/g)].map((m) => Number(m[1])));
    assert.deepEqual(forms.filter((f, i) => f.acts && !refused.has(i)).map((f) => f.sql), [], 'every form that acts is refused');
    const reads = [...forms.filter((_, i) => !refused.has(i)), ...PROVEN];
    const file = writeRunbook(dir, 'reads', runbook(server.url(), reads));
    const clean = await cli(['validate', file], { cwd: dir });
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    const before = await state();
    for (const dry of [false, true]) {
      const r = await cli(['run', file, '--plain', ...(dry ? ['--dry-run'] : [])], { cwd: dir });
      assert.match(r.stdout, /finished resolved/, r.stdout + r.stderr);
      assert.equal(await state(), before, `the server's state is as before (${dry ? 'dry' : 'real'})`);
      assert.deepEqual(forms.map((_, i) => join(files, `out-${i}.txt`)).filter(existsSync), [], 'no file written');
    }
  });
});
