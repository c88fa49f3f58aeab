// The session's password comes back from where the server keeps it (a probe of stop 76): MariaDB's `SHOW GRANTS`,
// a proven read any account may run on itself, printed `IDENTIFIED BY PASSWORD '*E39D…'` (SHA1 of SHA1 of the
// password, unsalted) on the screen's c view and in the transcript, dry run too; an administrator's read of
// mysql.user, mysql.global_priv or PostgreSQL's pg_authid printed every account's verifier. Such a read is now a
// step given a secret: its rows are withheld. Generated spellings of the reads (seed 76: case, quoting, comments,
// qualified or by the session's database, a column or every column, subqueries), dry and real; the oracle is the
// server's own verifiers, read by the test as an administrator: none may be on the screen or in the transcript.
// A read of the same tables that reaches no password column (the built-in auth runbook's) is still shown.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { rng } from '../helpers/rng.js';

type Read = { connection: 'app' | 'admin' | 'inmysql'; query: string };

/** One of `options`, by the generator. */
const pick = <T>(next: () => number, options: readonly T[]): T => options[Math.floor(next() * options.length)]!;
/** A word in a case the generator picks (the server reads keywords and these names in any case). */
const cased = (next: () => number, w: string) => pick(next, [w, w.toUpperCase(), w.toLowerCase(), [...w].map((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase())).join('')]);
const gap = (next: () => number) => pick(next, [' ', '  ', ' /* c */ ', '\n', ' -- c\n']);

function mariadbReads(next: () => number, count: number): Read[] {
  const out: Read[] = [];
  for (let i = 0; i < count; i++) {
    const g = () => gap(next);
    const kind = pick(next, ['grants', 'create-user', 'column', 'star', 'priv', 'nested'] as const);
    if (kind === 'grants') { out.push({ connection: 'app', query: `${cased(next, 'SHOW')}${g()}${cased(next, 'GRANTS')}${pick(next, ['', ' FOR CURRENT_USER', " FOR 'app_user'@'%'"])}` }); continue; }
    if (kind === 'create-user') { out.push({ connection: 'app', query: `${cased(next, 'SHOW')}${g()}${cased(next, 'CREATE')}${g()}${cased(next, 'USER')} ${pick(next, ['CURRENT_USER', '`app_user`@`%`'])}` }); continue; }
    const inMysql = next() < 0.3;
    const table = (name: string) => (inMysql ? pick(next, [name, `\`${name}\``]) : pick(next, [`mysql.${name}`, `\`mysql\`.\`${name}\``, `${cased(next, 'mysql')}.${name}`]));
    const connection = inMysql ? 'inmysql' : 'admin';
    if (kind === 'column') {
      const column = cased(next, pick(next, ['authentication_string', 'Password']));
      out.push({ connection, query: `${cased(next, 'SELECT')} User,${g()}${pick(next, [column, `\`${column}\``, `UPPER(${column})`, `LOWER(${column}) AS h`])}${g()}${cased(next, 'FROM')} ${table('user')}` });
    } else if (kind === 'star') {
      out.push({ connection, query: `${cased(next, 'SELECT')}${g()}${pick(next, ['*', 'u.*', 'DISTINCT *', 'User, u.*'])}${g()}${cased(next, 'FROM')} ${table(pick(next, ['user', 'global_priv']))} u` });
    } else if (kind === 'priv') {
      out.push({ connection, query: `SELECT ${pick(next, ['Priv', "JSON_VALUE(Priv, '$.authentication_string')", "JSON_EXTRACT(Priv, '$')", 'REVERSE(Priv)'])} AS p FROM ${table('global_priv')}` });
    } else {
      out.push({ connection, query: `SELECT (SELECT GROUP_CONCAT(${pick(next, ['authentication_string', 'Password'])}) FROM ${table('user')}) AS x FROM DUAL` });
    }
  }
  return out;
}

function postgresReads(next: () => number, count: number): Read[] {
  const out: Read[] = [];
  for (let i = 0; i < count; i++) {
    const g = () => gap(next);
    const rel = pick(next, ['pg_authid', 'pg_shadow']);
    const name = pick(next, [rel, `pg_catalog.${rel}`, `"${rel}"`, `pg_catalog."${rel}"`]);
    const column = rel === 'pg_authid' ? 'rolpassword' : 'passwd';
    const select = pick(next, [`${column}`, '*', 'a.*', 'row_to_json(a)::text', `upper(${column})`, `a::text`]);
    const query = pick(next, [
      `${cased(next, 'SELECT')}${g()}${select}${g()}${cased(next, 'FROM')} ${name} a`,
      `SELECT (SELECT string_agg(${column}, ',') FROM ${name}) AS x`,
      `WITH a AS (SELECT * FROM ${name}) SELECT ${select} FROM a`,
    ]);
    out.push({ connection: 'admin', query });
  }
  return out;
}

function runbook(reads: Read[], urls: Record<Read['connection'], string>, engine: 'mysql' | 'postgres'): string {
  const lines = ['name: stores', 'title: Where the server keeps passwords', 'inputs:',
    ...Object.keys(urls).map((k) => `  ${k}: { secret: true, required: true }`), 'connections:',
    ...Object.keys(urls).map((k) => `  ${k}: { url: "\${{ inputs.${k} }}" }`), 'steps:'];
  reads.forEach((r, i) => lines.push(`  - id: r${i}`, `    sql: { connection: ${r.connection}, query: { ${engine}: ${JSON.stringify(r.query)} } }`, `    next: ${i + 1 < reads.length ? `r${i + 1}` : 'done'}`, `    on: { error: ${i + 1 < reads.length ? `r${i + 1}` : 'done'} }`));
  lines.push('  - id: done', '    end: resolved', '');
  return lines.join('\n');
}

/** Runs the reads through the CLI; asserts no verifier is on the screen or in the transcript; returns the transcript. */
async function assertWithheld(t: Parameters<typeof scratch>[0], engine: 'mysql' | 'postgres', reads: Read[], urls: Record<Read['connection'], string>, verifiers: string[], dry: boolean): Promise<string> {
  const dir = scratch(t);
  const file = writeRunbook(dir, 'stores', runbook(reads, urls, engine));
  const transcript = join(dir, 't.jsonl');
  const inputs = Object.entries(urls).flatMap(([k, v]) => ['--input', `${k}=${v}`]);
  const r = await cli(['run', file, '--plain', '--transcript', transcript, ...(dry ? ['--dry-run'] : []), ...inputs], { cwd: dir });
  assert.ok(existsSync(transcript), `the run started: ${r.stdout}${r.stderr}`);
  const recorded = readFileSync(transcript, 'utf8');
  for (const v of verifiers) {
    for (const form of [v, v.toLowerCase(), v.replace(/^\*/, ''), v.replace(/^\*/, '').toLowerCase()]) {
      assert.ok(!r.stdout.includes(form) && !r.stderr.includes(form), `${form} on the screen (${dry ? 'dry' : 'real'}):\n${r.stdout}`);
      assert.ok(!recorded.includes(form), `${form} in the transcript (${dry ? 'dry' : 'real'})`);
    }
  }
  // Each store read ran and was withheld (the last read is the twin): none refused or failed before the server answered.
  const results = reads.slice(0, -1).map((_, i) => finished(recorded, `r${i}`));
  assert.ok(results.every((x) => x?.withheld !== undefined), `every store read withheld (${dry ? 'dry' : 'real'}): ${JSON.stringify(results.map((x, i) => [reads[i]!.query, x?.status, x?.withheld === undefined]).filter((x) => x[2]))}`);
  const ran = results.filter((x) => x?.status === 'ok').length;
  assert.ok(ran >= results.length / 2, `most store reads ran (${ran} of ${results.length}, ${dry ? 'dry' : 'real'})`);
  return recorded;
}

const finished = (recorded: string, id: string) => recorded.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; stepId?: string; result?: { status?: string; withheld?: unknown; rows?: unknown } })
  .find((l) => l.type === 'step-finished' && l.stepId === id)?.result;

describe('the passwords a server keeps, read back', () => {
  describe('MariaDB', () => {
    let server: LabServer;
    before(async () => { server = await startMariadb(); });
    after(async () => { await server?.stop(); });

    it('SHOW GRANTS, SHOW CREATE USER and the mysql tables, generated (seed 76): no verifier shown or recorded, dry and real; a read of the hosts is shown', { timeout: E2E_TEST_LIMIT_MS * 2 }, async (t) => {
      const verifiers = (await adminQuery(server, "SELECT JSON_VALUE(Priv, '$.authentication_string') AS v FROM mysql.global_priv"))
        .map((r) => String(r.v ?? '')).filter((v) => v.length >= 16);
      assert.ok(verifiers.length >= 2, `the lab's accounts have password hashes: ${JSON.stringify(verifiers)}`);
      const urls = { app: server.url(), admin: server.adminUrl(), inmysql: server.adminUrl().replace(/\/[^/?]*(\?|$)/, '/mysql$1') };
      const reads = [...mariadbReads(rng(76), 40), { connection: 'admin' as const, query: "SELECT Host AS host FROM mysql.user WHERE User = 'app_user'" }];
      for (const dry of [false, true]) {
        const recorded = await assertWithheld(t, 'mysql', reads, urls, verifiers, dry);
        const hosts = finished(recorded, `r${reads.length - 1}`);
        assert.equal(hosts?.status, 'ok', 'the read of the hosts ran');
        assert.equal(hosts?.withheld, undefined, 'and is shown');
        assert.match(JSON.stringify(hosts?.rows), /"%"/);
      }
    });
  });

  describe('MariaDB, a session a gated step moved', () => {
    let server: LabServer;
    before(async () => { server = await startMariadb(); });
    after(async () => { await server?.stop(); });

    // The URL names app_db; a gated `USE mysql` moves the session, and the reset before the next read keeps it:
    // an unqualified `user` is the server's mysql.user (a probe of this fix read every verifier so).
    it('USE mysql, then SELECT * FROM user: withheld', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const verifiers = (await adminQuery(server, "SELECT JSON_VALUE(Priv, '$.authentication_string') AS v FROM mysql.global_priv"))
        .map((r) => String(r.v ?? '')).filter((v) => v.length >= 16);
      const dir = scratch(t);
      const file = writeRunbook(dir, 'use', `name: use
title: A session moved to the server's database
connections:
  db: { url: ${JSON.stringify(server.adminUrl())} }
steps:
  - id: use
    destructive: true
    sql: { query: "USE mysql" }
  - id: look
    sql: { query: "SELECT * FROM user" }
  - id: done
    end: resolved
`);
      const transcript = join(dir, 't.jsonl');
      const r = await cli(['run', file, '--plain', '--yes', '--transcript', transcript], { cwd: dir });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const recorded = readFileSync(transcript, 'utf8');
      assert.equal(finished(recorded, 'look')?.status, 'ok');
      for (const v of verifiers) assert.ok(!recorded.includes(v) && !r.stdout.includes(v.slice(0, 30)), `${v} shown or recorded`);
    });
  });

  describe('PostgreSQL', () => {
    let server: LabServer;
    before(async () => { server = await startPostgres({ postgresVersion: '18' }); });
    after(async () => { await server?.stop(); });

    it('pg_authid and pg_shadow as a superuser, generated (seed 76): no verifier shown or recorded, dry and real; pg_roles is shown', { timeout: E2E_TEST_LIMIT_MS * 2 }, async (t) => {
      const verifiers = (await adminQuery(server, 'SELECT rolpassword AS v FROM pg_authid WHERE rolpassword IS NOT NULL')).map((r) => String(r.v));
      assert.ok(verifiers.length >= 2, 'the lab\'s roles have verifiers');
      // SCRAM-SHA-256$4096:salt$StoredKey:ServerKey: each key is the secret part.
      const parts = verifiers.flatMap((v) => [v, ...v.split(/[$:]/).filter((p) => p.length >= 20)]);
      const urls = { app: server.url(), admin: server.adminUrl(), inmysql: server.adminUrl() };
      const reads = [...postgresReads(rng(76), 30), { connection: 'admin' as const, query: "SELECT rolname, rolpassword FROM pg_roles WHERE rolname = 'app_user'" }];
      for (const dry of [false, true]) {
        const recorded = await assertWithheld(t, 'postgres', reads, urls, parts, dry);
        const roles = finished(recorded, `r${reads.length - 1}`);
        assert.equal(roles?.status, 'ok');
        assert.equal(roles?.withheld, undefined, 'pg_roles (its password column is ********) is shown');
      }
    });
  });
});
