// Every session variable the server lists, not a hand-picked few (a probe of stop 74: default_regex_flags,
// max_allowed_packet and system_versioning_asof were not among the pinned settings, and a proven read routed a run
// to resolved on a wrong count). For each variable the server lets a DBA `SET GLOBAL`, a non-default value drawn
// by a fixed seed from what the server says the variable takes (its type, range and values), set globally; each
// probe, dry and real, either answers as on the same server at its defaults (the oracle), or is refused naming
// the variable. A variable neither pinned nor reviewed as unable to change a read's result is refused.
// And a system-versioned table reads as the base table it is, now; a value the server cut for max_allowed_packet
// (warning 1301, at the default packet) fails the step.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { readPinNames } from '../../src/db/mysql-pin.js';
import { reviewedVariables } from '../../src/db/mysql-session-variables.js';
import { rng } from '../helpers/rng.js';
import { runSteps, stepResult, type Step } from './read-steps.js';

const PROBES = [
  "SELECT COUNT(*) AS n FROM jobs WHERE state REGEXP '^(in progress|queued)$'",
  "SELECT COUNT(*) AS n FROM jobs WHERE REPLACE(REPEAT(state, 100), 'x', 'y') LIKE 'in progress%'",
  "SELECT COUNT(*) AS n, GROUP_CONCAT(state ORDER BY id) AS states FROM vjobs",
  "SELECT SUM(state = 'failed') / COUNT(*) AS failed_ratio, 1 / 3 AS third FROM jobs",
  'SELECT GROUP_CONCAT(DISTINCT state ORDER BY state DESC) AS states FROM jobs',
  'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 2000) SELECT COUNT(*) AS c FROM r',
  "SELECT DATE_FORMAT('2024-03-04', '%W %M %a %b') AS d, WEEK('2022-01-01') AS w, WEEK('2024-12-30') AS w2",
  "SELECT CONVERT('añb' USING utf8) AS u, 'a' = 'A ' AS pad, 'ß' = 'ss' AS sz",
  "SELECT id FROM jobs WHERE id IS NULL",
  "SELECT state, COUNT(*) AS c FROM jobs GROUP BY state ORDER BY state",
  "SELECT JSON_EXTRACT('{\"a\": [1, 2]}', '$.a[1]') AS j, CAST('2024-02-30' AS DATE) AS bad, 10 DIV 3 AS q",
];
const steps: Step[] = PROBES.map((query) => ({ query, params: [] }));

interface Variable { name: string; type: string; min: string | null; max: string | null; block: string | null; values: string | null; fallback: string | null; global: string }

const random = rng(74);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const NUMERIC = /INT|DOUBLE/;
/** What an ENUM the server does not list the values of may take: its character sets and collations (asked), and
 *  locales (lc_time_names, lc_messages). */
const names = new Set(['de_DE', 'ja_JP', 'fr_FR', 'ru_RU', 'ar_SA']);

/** Candidate values, in a seeded order, each a literal for SET GLOBAL, from what the server says it takes. */
function candidates(v: Variable): string[] {
  const listed = (v.values ?? '').split(',').filter((x) => x && x !== 'default');
  const quote = (s: string) => mysql.escape(s);
  if (v.type === 'BOOLEAN') return [v.global === 'ON' ? 'OFF' : 'ON'];
  if (v.type === 'ENUM' && !listed.length) return [...names].sort(() => random() - 0.5).slice(0, 12).map(quote);
  if (v.type === 'ENUM') return listed.filter((x) => x.toUpperCase() !== String(v.fallback).toUpperCase()).sort(() => random() - 0.5).slice(0, 3).map(quote);
  if (v.type === 'SET') return Array.from({ length: 3 }, () => quote(listed.filter(() => random() < 0.3).join(',')));
  if (v.type === 'FLAGSET') return Array.from({ length: 3 }, () => { const f = pick(listed); return quote(`${f}=${(v.fallback ?? '').includes(`${f}=on`) ? 'off' : 'on'}`); });
  if (NUMERIC.test(v.type)) return numbers(v).map(String);
  return ['Aria', 'MyISAM', '/tmp', '2001-01-01 00:00:00', '+05:00', 'autocommit'].sort(() => random() - 0.5).map(quote);
}

/** The minimum, one step above it, something below the default, something above it (never the huge maximum:
 *  a buffer that size would be the test's own trouble). */
function numbers(v: Variable): number[] {
  const min = Number(v.min ?? 0);
  const max = Math.min(Number(v.max ?? 2 ** 32), 2 ** 40);
  const fallback = Number(v.fallback ?? min);
  const block = Math.max(1, Number(v.block ?? 1));
  const within = (x: number) => Math.min(max, Math.max(min, v.type === 'DOUBLE' ? x : Math.round(x / block) * block));
  return [...new Set([min, min + block, min + (fallback - min) * random(), fallback + (Math.max(fallback, 4) * 3 * random())].map(within))]
    .filter((x) => x !== fallback).sort(() => random() - 0.5);
}

describe('MariaDB: a session variable away from its default changes no proven read\'s answer', () => {
  let server: LabServer;
  let admin: mysql.Connection;
  let oracle: string[];
  let variables: Variable[];
  const answers = (events: Awaited<ReturnType<typeof runSteps>>): string[] =>
    steps.map((_, i) => { const r = stepResult(events, `s${i}`); return r.status === 'ok' ? JSON.stringify(r.rows) : `failed: ${String(r.error)}`; });
  /** Whether a fresh session of the application has another value than the default (it does where the question
   *  fails for it: max_join_size, max_session_mem_used). */
  const differs = async (name: string): Promise<boolean> => {
    const plain = await mysql.createConnection({ uri: server.url() });
    try {
      const [rows] = await plain.query('SELECT SESSION_VALUE AS value, IFNULL(DEFAULT_VALUE, \'\') AS fallback FROM information_schema.SYSTEM_VARIABLES WHERE VARIABLE_NAME = ?', [name]);
      const now = (rows as { value: unknown; fallback: unknown }[])[0]!;
      return String(now.value) !== String(now.fallback);
    } catch { return true; } finally { await plain.end(); }
  };

  before(async () => {
    server = await startMariadb();
    admin = await mysql.createConnection({ uri: server.adminUrl() });
    const db = server.database;
    await admin.query(`CREATE TABLE ${db}.jobs (id INT PRIMARY KEY, state VARCHAR(20))`);
    await admin.query(`INSERT INTO ${db}.jobs VALUES (1, 'in progress'), (2, 'queued'), (3, 'failed'), ${Array.from({ length: 17 }, (_, i) => `(${i + 4}, 'done')`).join(', ')}`);
    await admin.query(`CREATE TABLE ${db}.vjobs (id INT PRIMARY KEY, state VARCHAR(20)) WITH SYSTEM VERSIONING`);
    await admin.query(`INSERT INTO ${db}.vjobs VALUES (1, 'queued'), (2, 'in progress')`);
    oracle = answers(await runSteps(server.url(), steps, false));
    assert.deepEqual(oracle.slice(0, 3), ['[{"n":2}]', '[{"n":1}]', '[{"n":2,"states":"queued,in progress"}]']);
    const [rows] = await admin.query(`SELECT LOWER(VARIABLE_NAME) AS name, VARIABLE_TYPE AS type, NUMERIC_MIN_VALUE AS min, NUMERIC_MAX_VALUE AS max,
      NUMERIC_BLOCK_SIZE AS block, ENUM_VALUE_LIST AS \`values\`, DEFAULT_VALUE AS fallback, GLOBAL_VALUE AS global
      FROM information_schema.SYSTEM_VARIABLES WHERE VARIABLE_SCOPE = 'SESSION' AND READ_ONLY = 'NO' ORDER BY VARIABLE_NAME`);
    variables = rows as Variable[];
    const [sets] = await admin.query('SELECT CHARACTER_SET_NAME AS n FROM information_schema.CHARACTER_SETS UNION ALL SELECT COLLATION_NAME FROM information_schema.COLLATIONS');
    for (const { n } of sets as { n: string }[]) names.add(n);
    assert.ok(variables.length > 150, `${variables.length} variables`);
  });
  after(async () => {
    await admin?.end();
    await server?.stop();
  });

  it('each variable the server lets a DBA set globally, at a seeded non-default value: same answers or refused naming it', { timeout: 1_800_000 }, async (t) => {
    const pinned = readPinNames(true);
    const reviewed = reviewedVariables();
    const unset: string[] = [];
    const wrong: string[] = [];
    for (const v of variables) {
      const literal = (s: string) => (NUMERIC.test(v.type) ? s : mysql.escape(s));
      let set: string | undefined;
      let touched = false;
      for (const value of candidates(v)) {
        if (await admin.query(`SET GLOBAL ${v.name} = ${value}`).then(() => true, () => false)) {
          touched = true;
          if (await differs(v.name)) { set = value; break; }
        }
      }
      try {
        if (!set) { unset.push(v.name); continue; }
        for (const dryRun of [true, false]) {
          const got = answers(await runSteps(server.url(), steps, dryRun));
          const allowed = pinned.has(v.name) || reviewed.has(v.name);
          got.forEach((a, i) => {
            // Named as the server lists it: wsrep_causal_reads sets wsrep_sync_wait.
            const refused = /the server's \w+ is /.test(a);
            // A reviewed limit may fail a read (max_join_size): an error, never another answer.
            if (a !== oracle[i] && !a.startsWith('failed: ')) wrong.push(`${v.name} = ${set}${dryRun ? ' (dry run)' : ''}: ${PROBES[i]} → ${a.slice(0, 200)} (under the defaults ${oracle[i]!.slice(0, 100)})`);
            if (!allowed && !refused) wrong.push(`${v.name} = ${set}: not reviewed, and not refused: ${PROBES[i]} → ${a.slice(0, 120)}`);
          });
        }
      } finally {
        if (touched) await admin.query(`SET GLOBAL ${v.name} = ${literal(v.global)}`).catch(() => admin.query(`SET GLOBAL ${v.name} = DEFAULT`));
      }
    }
    t.diagnostic(`${variables.length - unset.length} of ${variables.length} set; not settable to another value here: ${unset.join(', ')}`);
    assert.deepEqual(wrong, []);
    // Those that follow the session's database, need a cluster, or that this server's own start fixed.
    assert.ok(unset.length <= 12, unset.join(', '));
  });

  for (const dryRun of [true, false]) {
    it(`a system-versioned table is read as the base table it is, now, under a global system_versioning_asof in the past, vouched or not${dryRun ? ', --dry-run' : ''}`, async () => {
      await admin.query(`CREATE SEQUENCE IF NOT EXISTS ${server.database}.s1`);
      await admin.query("SET GLOBAL system_versioning_asof = '2001-01-01 00:00:00'");
      try {
        const reads: Step[] = [{ query: 'SELECT COUNT(*) AS n FROM vjobs', params: [] }, { query: 'SELECT COUNT(*) AS n FROM vjobs', params: [], vouched: true }, { query: 'SELECT * FROM s1', params: [] }];
        const events = await runSteps(server.url(), reads, dryRun);
        for (const id of ['s0', 's1']) assert.deepEqual(stepResult(events, id).rows, [{ n: 2 }], JSON.stringify(stepResult(events, id)).slice(0, 300));
        assert.match(String(stepResult(events, 's2').error), /it reads app_db\.s1, a sequence,/);
      } finally { await admin.query('SET GLOBAL system_versioning_asof = DEFAULT'); }
    });

    it(`a string the server made NULL past max_allowed_packet (warning 1301, at the default packet) fails the step${dryRun ? ', --dry-run' : ''}`, async () => {
      // 'in progress' 2,000,000 times is 22 MB, past the default 16 MB: NULL, and the count read 0.
      const r = stepResult(await runSteps(server.url(), [{ query: "SELECT COUNT(*) AS n FROM jobs WHERE REPEAT(state, 2000000) LIKE 'in progress%'", params: [] }], dryRun), 's0');
      assert.equal(r.status, 'failed', JSON.stringify(r).slice(0, 300));
      assert.match(String(r.error), /the server answered with warning 1301 \(Result of repeat\(\) was larger than max_allowed_packet/);
    });
  }
});
