// A view's or a routine's code swapped between the engine's questions and the statement (issue #45; stops 79 and 80
// left it; a probe of stop 81 raced it for real). A DBA session flips, in a loop, a view (or a stored function) that
// a vouched read names between harmless code and other code: the engine asked about the harmless one, the server ran
// the other. With ha_sphinx's loadable function on the server, the flipped-in call opened connections from the server
// and crashed it (300 reads: the server went down). Now (db/mysql-code-swap.ts) a read through code someone created
// is refused where the server has any loadable function, before it runs; and every read through such code is asked
// about again after its statement, in its transaction (the statement holds what it opened): another answer drops the
// result and refuses the read. The DBA's swaps and the reads are generated (seed 81); the oracles are the server's
// own: a listener counts connections from it, it must stay up, and no form of the victim's verifier is on the screen
// or in the record.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { scratch, writeRunbook } from './helpers.js';
import { assertNothingOf, finished, runRealAndDry } from '../secrets/secret-reads.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { rng } from '../helpers/rng.js';

const pick = <T>(next: () => number, options: readonly T[]): T => options[Math.floor(next() * options.length)]!;

/** One object the DBA flips: its two bodies as DDL, and the read that names it. */
interface Flip { ddl: [string, string]; read: string; setup: string[] }

const VICTIM_PW = 'Sw8victimPw3k';

/** A flipped view, a view over a flipped view, or a flipped stored function called by a view; `bad` the other code. */
function flip(next: () => number, i: number, bad: string): Flip {
  const plain = pick(next, ["SELECT 'plain' AS s", "SELECT CONCAT('pl', 'ain') AS s", "SELECT UPPER('plain') AS s"]);
  const kind = pick(next, ['view', 'nested', 'function'] as const);
  const grant = `GRANT SELECT ON app_db.v_${i} TO app_user@'%'`;
  if (kind === 'view') {
    const ddl: [string, string] = [`CREATE OR REPLACE VIEW app_db.v_${i} AS ${plain}`, `CREATE OR REPLACE VIEW app_db.v_${i} AS ${bad}`];
    return { ddl, read: `SELECT s FROM v_${i}`, setup: [ddl[0], grant] };
  }
  if (kind === 'nested') {
    return { ddl: [`CREATE OR REPLACE VIEW app_db.w_${i} AS ${plain}`, `CREATE OR REPLACE VIEW app_db.w_${i} AS ${bad}`], read: `SELECT s FROM v_${i}`,
      setup: [`CREATE OR REPLACE VIEW app_db.w_${i} AS ${plain}`, `CREATE VIEW app_db.v_${i} AS SELECT LOWER(s) AS s FROM app_db.w_${i}`, grant] };
  }
  const body = (q: string) => `CREATE OR REPLACE FUNCTION app_db.f_${i}() RETURNS TEXT RETURN (SELECT s FROM (${q}) AS x LIMIT 1)`;
  return { ddl: [body(plain), body(bad)], read: `SELECT s FROM v_${i}`, setup: [body(plain), `CREATE VIEW app_db.v_${i} AS SELECT app_db.f_${i}() AS s`, grant] };
}

function runbook(url: string, flips: Flip[], repeat: number): string {
  const lines = ['name: swaps', 'title: Code swapped under a read', 'connections:', `  app: { url: ${JSON.stringify(url)} }`, 'steps:'];
  const reads = Array.from({ length: repeat }, () => flips).flat();
  reads.forEach((f, i) => {
    const next = i + 1 < reads.length ? `r${i + 1}` : 'done';
    lines.push(`  - id: r${i}`, `    sql: { connection: app, query: ${JSON.stringify(f.read)} }`, '    timeout: 10s',
      '    destructive: false', '    safe_because: the owner says it only reads', `    next: ${next}`, `    on: { error: ${next} }`);
  });
  lines.push('  - id: done', '    end: resolved', '');
  return lines.join('\n');
}

/** The DBA's session: flips each object between its two bodies until stopped (or the server goes away). */
function racer(server: LabServer, flips: Flip[], next: () => number): { stop(): Promise<number> } {
  let stopped = false;
  let swaps = 0;
  const done = (async () => {
    const dba = await mysql.createConnection(server.adminUrl());
    try {
      while (!stopped) {
        const f = pick(next, flips);
        if (await dba.query(f.ddl[swaps % 2]!).then(() => false, () => true)) break;
        swaps++;
      }
    } finally { await dba.end().catch(() => undefined); }
  })();
  return { stop: async () => { stopped = true; await done; return swaps; } };
}

async function serverUp(server: LabServer): Promise<boolean> {
  return adminQuery(server, 'SELECT 1 AS one').then((r) => r[0]?.one === 1, () => false);
}

describe('a MariaDB read whose view or routine another session swaps while the engine reads it', () => {
  let server: LabServer;
  let listener: Server;
  let connections = 0;
  after(async () => { await server?.stop(); listener?.close(); });

  it("a loadable function on the server: 12 generated flips (seed 81) into its call, raced by a DBA's loop over 60 vouched reads, dry and real: every read refused before it runs, no connection from the server, which stays up", { timeout: E2E_TEST_LIMIT_MS * 3 }, async (t) => {
    listener = createServer((socket) => { connections++; socket.destroy(); });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as { port: number }).port;
    server = await startMariadb();
    const dir0 = String((await adminQuery(server, 'SELECT @@plugin_dir AS d'))[0]?.d ?? '');
    if (!existsSync(join(dir0, 'ha_sphinx.so'))) return t.skip(`no ha_sphinx.so in ${dir0}`);
    await adminQuery(server, "CREATE FUNCTION sphinx_snippets RETURNS STRING SONAME 'ha_sphinx.so'");
    // The application's account can see that the server has one (one that cannot: docs/reliability.md, stop 81).
    await adminQuery(server, "GRANT SELECT ON mysql.func TO app_user@'%'");
    const next = rng(81);
    const call = () => `${pick(next, ['sphinx_snippets', 'SPHINX_SNIPPETS', '`sphinx_snippets`'])}${pick(next, ['', ' '])}('doc', 'sphinx://127.0.0.1:${port}/idx', 'doc')`;
    const flips = Array.from({ length: 12 }, (_, i) => flip(next, i, `SELECT ${pick(next, [call(), `CONCAT('x', ${call()})`])} AS s`));
    for (const f of flips) for (const ddl of f.setup) await adminQuery(server, ddl);
    const dir = scratch(t);
    const file = writeRunbook(dir, 'swaps', runbook(server.url(), flips, 5));
    const race = racer(server, flips, next);
    let swaps = 0;
    try {
      await runRealAndDry(dir, file, (dry, r, recorded) => {
        const run = dry ? 'dry' : 'real';
        const shown = Array.from({ length: flips.length * 5 }, (_, i) => [i, finished(recorded, `r${i}`)] as const)
          .filter(([, f]) => !/loadable function \(UDF\) sphinx_snippets/.test(String(f?.error)));
        assert.deepEqual(shown.map(([i, f]) => `r${i}: ${f?.status} ${f?.error}`), [], `every read refused for the loadable function (${run})\n${r.stdout.slice(-2000)}`);
      });
    } finally { swaps = await race.stop(); }
    assert.ok(swaps > 20, `the DBA swapped the code throughout (${swaps})`);
    assert.equal(connections, 0, 'no connection from the database server');
    assert.ok(await serverUp(server), 'the server is up');
  });

  it("no loadable function: 12 generated flips (seed 81) into a read of the victim's verifier, raced over 60 vouched reads, dry and real: nothing of it shown or recorded; a read whose code changed between the questions is refused", { timeout: E2E_TEST_LIMIT_MS * 3 }, async (t) => {
    await server?.stop();
    server = await startMariadb();
    await adminQuery(server, `CREATE USER victim@'%' IDENTIFIED BY '${VICTIM_PW}'`);
    await adminQuery(server, "GRANT SHOW VIEW ON app_db.* TO app_user@'%'");
    await adminQuery(server, "GRANT SELECT ON mysql.func TO app_user@'%'");
    const verifier = String((await adminQuery(server, "SELECT authentication_string AS v FROM mysql.user WHERE user = 'victim'"))[0]?.v ?? '');
    assert.match(verifier, /^\*[0-9A-F]{40}$/, 'the victim has a verifier');
    const next = rng(81);
    const secret = () => pick(next, ['authentication_string', 'UPPER(authentication_string)', 'REVERSE(authentication_string)', "CONCAT('x', authentication_string)"]);
    const flips = Array.from({ length: 12 }, (_, i) => flip(next, i, `SELECT ${secret()} AS s FROM mysql.user WHERE user = 'victim'`));
    for (const f of flips) for (const ddl of f.setup) await adminQuery(server, ddl);
    const dir = scratch(t);
    const file = writeRunbook(dir, 'swaps', runbook(server.url(), flips, 5));
    const race = racer(server, flips, next);
    let swapped = 0;
    try {
      await runRealAndDry(dir, file, (dry, r, recorded) => {
        assertNothingOf([verifier.slice(1)], r, recorded, dry, 12);
        const results = Array.from({ length: flips.length * 5 }, (_, i) => finished(recorded, `r${i}`));
        // Shown: only what the plain code gives; anything else withheld, or refused because the code changed.
        const odd = results.filter((f) => f?.status === 'ok' && f.withheld === undefined && !/plain/i.test(JSON.stringify(f.rows)));
        assert.deepEqual(odd, [], `a shown read shows the plain code's rows (${dry ? 'dry' : 'real'})`);
        // The refusal is the engine's own words, shown: nothing of the read is in them.
        swapped += results.filter((f) => f?.status === 'failed' && f.withheld === undefined
          && /whose code changed between the engine's question and the statement/.test(String(f.error))).length;
      });
    } finally { await race.stop(); }
    assert.ok(swapped > 0, 'the race was met: reads whose code changed under them were refused');
  });
});
