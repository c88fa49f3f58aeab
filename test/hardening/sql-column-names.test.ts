// A result's column names are the server's data (an owner's table column, a view's alias), not the engine's keys
// (a probe of stop 80, and stop 79's left item). Read as object keys: two columns of one name showed the second's
// value under both headers and the record kept one (`SELECT 'down' AS state, 'up' AS state` drew `up │ up`);
// `__proto__` made mysql2 close the connection and the step fail as "given a secret"; a newline in a name drew a
// line of its own under the header (`ok       verify`). pg keyed its rows by name too (the lead, after the merge).
// Generated (seed 80) from such names, against the lab's MariaDB and PostgreSQL, one real CLI run each: every value
// is recorded under its own column, by position, and shown on the screen, and no line of the screen is a name's.
// Beside it, the live view's tables (tableWindow, expandedRows).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { expandedRows, tableWindow } from '../../src/ui/frame/table-window.js';
import { cli, scratch, transcriptLines, writeRunbook } from './helpers.js';
import { rng } from '../helpers/rng.js';

const pick = <T>(next: () => number, options: readonly T[]): T => options[Math.floor(next() * options.length)]!;

/** Names an owner may give columns: keys of every object, a name twice, one with a line of its own after it. */
const NAMES = ['state', 'State', '__proto__', '__defineGetter__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf',
  'a\u0007', 'a\u2407', 'x\nok       forged (3ms)', 'x\r\nfinished resolved in 1ms', 'state (2)'];

/** One step's columns: 2–5 names from the list, one of them at least twice. */
function columns(next: () => number): string[] {
  const names = Array.from({ length: 2 + Math.floor(next() * 4) }, () => pick(next, NAMES));
  names.splice(Math.floor(next() * (names.length + 1)), 0, pick(next, names));
  return names;
}

const ENGINES = {
  MariaDB: { start: startMariadb, quoted: (name: string) => `\`${name.replace(/`/g, '``')}\`` },
  PostgreSQL: { start: () => startPostgres(), quoted: (name: string) => `"${name.replace(/"/g, '""')}"` },
};

for (const [engine, { start, quoted }] of Object.entries(ENGINES)) describe(`a ${engine} result's column names are read as data`, () => {
  let server: LabServer;
  before(async () => { server = await start(); });
  after(async () => { await server?.stop(); });

  it('every value under its own column, in the record and on the screen; no name draws a line', async (t) => {
    const next = rng(80);
    const steps = Array.from({ length: 24 }, (_, i) => ({ id: `r${i}`, names: columns(next) }));
    const value = (i: number, j: number) => `v${i}c${j}z`;
    const lines = ['name: columns', 'title: Column names', 'connections:', `  db: { url: ${JSON.stringify(server.url())} }`, 'steps:'];
    steps.forEach(({ id, names }, i) => {
      const sql = `SELECT ${names.map((n, j) => `'${value(i, j)}' AS ${quoted(n)}`).join(', ')}`;
      lines.push(`  - id: ${id}`, `    sql: { connection: db, query: ${JSON.stringify(sql)} }`, `    next: ${i + 1 < steps.length ? `r${i + 1}` : 'done'}`);
    });
    lines.push('  - id: done', '    end: resolved', '');
    const dir = scratch(t);
    const file = writeRunbook(dir, 'columns', lines.join('\n'));
    const checked = await cli(['validate', file]);
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
    const transcript = join(dir, 't.jsonl');
    const r = await cli(['run', file, '--plain', '--transcript', transcript]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const recorded = transcriptLines(transcript).filter((l) => l.type === 'step-finished');
    steps.forEach(({ id, names }, i) => {
      const result = recorded.find((l) => l.stepId === id)?.result as { rows: Record<string, unknown>[]; columns: string[] };
      assert.equal(result.columns.length, names.length, `${id}: a column per name`);
      assert.equal(new Set(result.columns).size, names.length, `${id}: each column its own key (${JSON.stringify(result.columns)})`);
      const row = result.rows[0]!;
      result.columns.forEach((c, j) => {
        assert.ok(Object.hasOwn(row, c), `${id}: column ${JSON.stringify(c)} recorded`);
        assert.equal(row[c], value(i, j), `${id}: column ${j + 1} (${JSON.stringify(names[j])}) holds its own value`);
        assert.ok(r.stdout.includes(value(i, j)), `${id}: ${value(i, j)} on the screen`);
      });
    });
    assert.doesNotMatch(r.stdout, /^(ok\s+forged|finished resolved in 1ms)/m, 'a column name drew a line of its own');
  });
});

describe('the live view\'s tables', () => {
  it('the live view draws each name on its row, and each value under it', () => {
    const cols = ['x\nok       forged (3ms)', '__proto__', 'a'];
    const row = Object.fromEntries(cols.map((c, i) => [c, `v${i}`]));
    const flat = (rows: { text: string }[][]) => rows.map((r) => r.map((s) => s.text).join(''));
    const table = flat(tableWindow(cols, [row], 1, 0, 200).rows);
    assert.ok(table.every((l) => !l.includes('\n')), JSON.stringify(table));
    assert.match(table[2]!, /v0 .*v1 .*v2/);
    const expanded = flat(expandedRows(cols, [row], 200));
    assert.ok(expanded.every((l) => !l.includes('\n')), JSON.stringify(expanded));
    assert.equal(expanded.filter((l) => /v[012]$/.test(l)).length, 3, JSON.stringify(expanded));
  });
});
