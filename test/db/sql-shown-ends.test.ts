// An SQL step's query as the gate shows it against what the server was sent (a probe of stop 81): the shown query
// was trim()med, and JavaScript's trim() takes U+00A0, U+3000, U+FEFF, U+2028, … for space, which PostgreSQL reads
// as identifier characters: the gate said `DELETE FROM t` and the server deleted from the table `t` U+00A0. Now the
// shown query leaves out only the server's own whitespace at its ends (src/engine/sql-shown.ts). Generated queries
// (seed 81) with ends from a pool of such characters; the oracles are the server's: which of them it skips as
// whitespace (asked of it), and what it was sent (log_statement = all). What a gate draws (commandBody of the
// recorded command) must be what was sent, less only characters the server skips.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { labServerInfo, startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery, appQuery } from './helpers.js';
import { cli, scratch, transcriptLines, writeRunbook } from '../hardening/helpers.js';
import { commandBody } from '../../src/ui/command-body.js';
import { rng } from '../helpers/rng.js';

const POOL = [' ', '\t', '\n', '\r', '\f', '\v', '\u00a0', '\u3000', '\ufeff', '\u2028', '\u2029', '\u0085', '\u200b', '\u1680', '\u2003', '\u202f', '\u205f'];

function queries(seed: number, n: number): string[] {
  const rand = rng(seed);
  const end = (min: number) => Array.from({ length: min + Math.floor(rand() * 3) }, () => POOL[Math.floor(rand() * POOL.length)]!).join('');
  return Array.from({ length: n }, (_, i) => `${end(0)}DELETE FROM t WHERE id = ${100 + i}${end(1)}`);
}

let pg: LabServer;
before(async () => { pg = await startPostgres(); });
after(async () => { await pg?.stop(); });

it('PostgreSQL: what the gate shows of a query is what the server was sent, less only its own whitespace', async (t) => {
  const role = pg.appUser.replace(/"/g, '""');
  await adminQuery(pg, `CREATE TABLE t (id int); GRANT ALL ON t TO "${role}"; ALTER ROLE "${role}" SET log_statement = 'all'`);
  // The server's whitespace, asked of it: `SELECT 1 AS x<c>` names its column x only where c is nothing to it.
  const skips = new Set<string>();
  for (const c of POOL) {
    const named = await appQuery(pg, `SELECT 1 AS x${c}`).then((r) => Object.keys(r[0]!)[0], () => undefined);
    if (named === 'x') skips.add(c);
  }
  assert.ok(skips.has(' ') && skips.has('\n') && !skips.has('\u00a0'), `the server's whitespace: ${JSON.stringify([...skips])}`);

  const qs = queries(81, 24);
  const dir = scratch(t);
  const steps = qs.map((q, i) => `  - id: s${i}\n    destructive: true\n    sql: { query: ${JSON.stringify(q)} }\n    next: ${i + 1 < qs.length ? `s${i + 1}` : 'done'}\n    on: { error: ${i + 1 < qs.length ? `s${i + 1}` : 'done'} }\n`).join('');
  const rb = writeRunbook(dir, 'ends', `name: ends\ntitle: Ends\nconnections:\n  db: { url: ${JSON.stringify(pg.url())} }\nsteps:\n${steps}  - { id: done, end: resolved }\n`);
  const file = `${dir}/t.jsonl`;
  const r = await cli(['run', rb, '--plain', '--yes', '--transcript', file]);
  assert.match(r.stdout, /finished/, r.stdout + r.stderr);
  await new Promise((res) => setTimeout(res, 500));

  // Each log entry starts with its timestamp; a statement's own line breaks are in its entry.
  const entries = labServerInfo(pg)!.log.replace(/\n$/, '').split(/\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/);
  const gates = transcriptLines(file).filter((l) => l.type === 'confirmation-requested');
  let sent = 0;
  for (const [i, q] of qs.entries()) {
    const gate = gates.find((g) => g.stepId === `s${i}`);
    assert.ok(gate, `no gate for s${i}`);
    const shown = commandBody(String(gate.command));
    // log_statement's entry, or the error's STATEMENT line (a statement that does not parse is not logged otherwise).
    const entry = entries.find((e) => e.includes(`WHERE id = ${100 + i}`) && /(statement|STATEMENT): /.test(e));
    if (!entry) continue; // refused before it was sent: nothing ran that the gate did not show
    sent++;
    // The stderr log writes a tab after each line break of a message (elog.c, append_with_tabs): taken out.
    const text = /(?:statement|STATEMENT): +BEGIN; SET LOCAL statement_timeout = \d+; ([\s\S]*)$/.exec(entry)?.[1]?.replace(/\n\t/g, '\n');
    assert.ok(text !== undefined, `not the step's message: ${JSON.stringify(entry)}`);
    const at = text.indexOf(shown);
    assert.ok(at >= 0, `${JSON.stringify(q)}: shown ${JSON.stringify(shown)}, sent ${JSON.stringify(text)}`);
    const left = text.slice(0, at) + text.slice(at + shown.length);
    assert.ok([...left].every((c) => skips.has(c)), `${JSON.stringify(q)}: the gate left out ${JSON.stringify(left)}, which the server reads (shown ${JSON.stringify(shown)})`);
  }
  assert.ok(sent >= qs.length / 2, `only ${sent} of ${qs.length} queries reached the server:\n${r.stdout}\n${entries.filter((e) => /DELETE/.test(e)).join("\n")}`);
});
