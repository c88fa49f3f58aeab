// Every row of the connection-error table classifies as listed when the error arrives in the shape
// its driver gives it, docs/executors.md shows the table as it is, and every class has a route.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { classify, explain } from '../../src/db/classify.js';
import { ERROR_TABLE, type ErrorRow } from '../../src/db/errors/table.js';
import { scenarioOf } from '../../src/diagnose/scenarios.js';
import { adviceSteps } from '../../src/diagnose/advice-steps.js';
import { load } from 'js-yaml';
import { errorTableMarkdown, withErrorTable } from '../../src/docs/error-table.js';
import { CLASSIFICATIONS } from '../../src/executors/types.js';

/** The error as the driver hands it over: mysql2 sets errno (and its own code name), pg sets code. */
function asDriverError(r: ErrorRow): unknown {
  const e = new Error(r.sample);
  if (r.family === 'mariadb' || r.family === 'mysql') return Object.assign(e, { errno: Number(r.code), code: 'ER_SOMETHING', sqlState: 'HY000' });
  if (r.family === 'node') return Object.assign(e, { code: r.code, errno: -1, syscall: 'connect' });
  return r.code ? Object.assign(e, { code: r.code }) : e;
}

test('every row of the table classifies as listed, and each family is covered in full', () => {
  const byFamily = new Map<string, { rows: number; right: number }>();
  const wrong: string[] = [];
  for (const r of ERROR_TABLE) {
    const got = classify(asDriverError(r));
    const tally = byFamily.get(r.family) ?? { rows: 0, right: 0 };
    byFamily.set(r.family, { rows: tally.rows + 1, right: tally.right + (got === r.classification ? 1 : 0) });
    if (got !== r.classification) wrong.push(`${r.family} ${r.code} ${r.name}: ${got}, listed ${r.classification}`);
  }
  for (const [family, t] of byFamily) console.log(`coverage ${family}: ${t.right}/${t.rows} (${Math.round((100 * t.right) / t.rows)} %)`);
  assert.deepEqual(wrong, []);
  assert.ok(ERROR_TABLE.length > 150, `the table has ${ERROR_TABLE.length} rows`);
});

test('a number MariaDB and MySQL use for different things is read by its text', () => {
  // 4150 is ER_USER_IS_BLOCKED on MariaDB and a bulk-load parser error on MySQL.
  const mysqlBulk = Object.assign(new Error('Unexpected character after column terminator'), { errno: 4150, code: 'ER_BULK_PARSER_UNEXPECTED_CHAR_AFTER_COLUMN_TERMINATOR' });
  assert.equal(classify(mysqlBulk), 'other');
  const mariadbTrigger = Object.assign(new Error("Referenced trigger 't' for the given action time and event type does not exist"), { errno: 4031 });
  assert.equal(classify(mariadbTrigger), 'other');
});

test('a SQLSTATE the table does not list falls back to its class where the class is about connecting', () => {
  assert.equal(classify(Object.assign(new Error('x'), { code: '08P02' })), 'connection-lost');
  assert.equal(classify(Object.assign(new Error('x'), { code: '28P02' })), 'auth');
  assert.equal(classify(Object.assign(new Error('x'), { code: '22012' })), 'other');
});

test('every classification has an explanation and a route (a runbook, or words saying whom to tell)', () => {
  for (const c of CLASSIFICATIONS) {
    assert.ok(explain(c).length > (c === 'ok' ? 5 : 20), c);
    const s = scenarioOf(c);
    assert.ok(s, c);
    if (s.runbook === null && !/^(ok|other|not-read-only|target-)/.test(c)) assert.match(explain(c), /tell|ask/i, c);
  }
});

const stepIds = (runbook: string): Set<string> => new Set((load(readFileSync(new URL(`../../runbooks/${runbook}.yaml`, import.meta.url), 'utf8')) as
  { steps: { id: string }[] }).steps.map((s) => s.id));

test('each row names the step with the advice, and that step exists in the runbook diagnose names', () => {
  const ids = new Map<string, Set<string>>();
  for (const c of CLASSIFICATIONS) {
    const runbook = scenarioOf(c).runbook;
    for (const row of [undefined, ...ERROR_TABLE.filter((r) => r.classification === c)]) {
      const steps = adviceSteps(c, row);
      if (!runbook) { assert.deepEqual(steps, [], `${c}: no runbook, so no step`); continue; }
      assert.ok(steps.length > 0, `${c}${row ? ` (${row.sample})` : ''}: no step named in ${runbook}`);
      if (!ids.has(runbook)) ids.set(runbook, stepIds(runbook));
      for (const step of steps) assert.ok(ids.get(runbook)!.has(step), `${c}: ${runbook} has no step '${step}'`);
    }
  }
  // The auth runbook's own routing by the server's words reaches the more precise step.
  assert.deepEqual(adviceSteps('auth', { sample: "Host '10.0.0.5' is not allowed to connect to this MariaDB server" }), ['account-hosts']);
});

test('docs/executors.md carries the generated table as it is', () => {
  const doc = readFileSync(new URL('../../docs/executors.md', import.meta.url), 'utf8');
  assert.ok(doc === withErrorTable(doc), 'docs/executors.md is out of date: run node --import tsx src/docs/error-table.ts --write');
  assert.ok(errorTableMarkdown().includes('`57P05`'));
});
