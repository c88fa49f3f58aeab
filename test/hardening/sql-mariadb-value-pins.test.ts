// A proven read returns the values the server's defaults give (a probe of stop 73), dry and real: whatever a DBA's
// `SET GLOBAL` of a setting that changes a read's values (div_precision_increment, group_concat_max_len,
// max_recursive_iterations, lc_time_names, default_week_format), several hostile values each
// (seeded), every probe answers as on the same server before any SET GLOBAL (the oracle). Each hostile value is
// first shown to be real: a plain connection answers some probe otherwise. And a GROUP_CONCAT the server cuts
// (warning 1260) fails the step instead of returning the part, even with max_error_count = 0.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { rng } from '../helpers/rng.js';
import { runSteps, stepResult, type Step } from './read-steps.js';

const PROBES = [
  "SELECT SUM(state = 'failed') / COUNT(*) AS failed_ratio, 1 / 3 AS third FROM jobs",
  'SELECT GROUP_CONCAT(DISTINCT state ORDER BY state DESC) AS states FROM jobs',
  'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 20) SELECT COUNT(*) AS c FROM r',
  "SELECT DATE_FORMAT('2024-03-04', '%W %M %a %b') AS d",
  "SELECT WEEK('2022-01-01') AS w, WEEK('2024-01-07') AS w2, WEEK('2024-12-30') AS w3, WEEK('2021-01-03') AS w4",
];
const steps: Step[] = PROBES.map((query) => ({ query, params: [] }));

const random = rng(73);
const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const LOCALES = ['de_DE', 'fr_FR', 'ja_JP', 'ru_RU', 'es_ES', 'zh_CN', 'it_IT'] as const;
/** Per setting, a hostile value generator; three values each. */
const HOSTILE: Record<string, () => string> = {
  div_precision_increment: () => String(pick([0, int(1, 3), int(5, 30)])),
  group_concat_max_len: () => String(int(4, 10)),
  max_recursive_iterations: () => String(int(0, 15)),
  lc_time_names: () => `'${pick(LOCALES)}'`,
  default_week_format: () => String(int(1, 7)),
};
// max_sort_length is pinned too, but MariaDB 10.11 sorts whole keys whatever it says: nothing to show here.
const CASES = Object.entries(HOSTILE).flatMap(([name, gen]) => [...new Set([gen(), gen(), gen()])].map((value) => ({ name, value })));

describe('MariaDB: a setting that changes a read\'s values cannot change what a proven read returns', () => {
  let server: LabServer;
  let oracle: string[];
  const answers = (events: Awaited<ReturnType<typeof runSteps>>): string[] =>
    steps.map((_, i) => { const r = stepResult(events, `s${i}`); return JSON.stringify([r.status, r.rows ?? null]); });
  async function withGlobal<T>(name: string, value: string, fn: () => Promise<T>): Promise<T> {
    await adminQuery(server, `SET GLOBAL ${name} = ${value}`);
    try { return await fn(); } finally { await adminQuery(server, `SET GLOBAL ${name} = DEFAULT`); }
  }

  before(async () => {
    server = await startMariadb();
    const db = server.database;
    await adminQuery(server, `CREATE TABLE ${db}.jobs (id INT PRIMARY KEY, state VARCHAR(20))`);
    await adminQuery(server, `INSERT INTO ${db}.jobs VALUES ${Array.from({ length: 20 }, (_, i) => `(${i}, '${i < 3 ? 'failed' : 'done'}')`).join(', ')}`);
    // The oracle: the same statements on the same server before any SET GLOBAL, through the engine.
    oracle = answers(await runSteps(server.url(), steps, false));
    assert.deepEqual(oracle.slice(0, 3), ['["ok",[{"failed_ratio":"0.1500","third":"0.3333"}]]', '["ok",[{"states":"failed,done"}]]', '["ok",[{"c":20}]]']);
  });
  after(async () => {
    await adminQuery(server, 'SET GLOBAL max_error_count = DEFAULT').catch(() => undefined);
    await server?.stop();
  });

  for (const { name, value } of CASES) {
    it(`${name} = ${value} is real: through a plain connection some probe answers otherwise`, async () => {
      const plain = await mysql.createConnection({ uri: server.url() });
      try {
        await plain.query(`SET SESSION ${name} = ${value}`);
        const got: string[] = [];
        for (const q of PROBES) got.push(JSON.stringify(await plain.query(q).then(([rows]) => ['ok', rows], () => ['failed', null])));
        assert.ok(got.some((a, i) => a !== oracle[i]), `${name} = ${value}: ${got.join(' ')}`);
      } finally { await plain.end(); }
    });
    for (const dryRun of [true, false]) {
      it(`${name} = ${value} globally${dryRun ? ', --dry-run' : ''}: every probe answers as under the defaults`, async () => {
        assert.deepEqual(await withGlobal(name, value, async () => answers(await runSteps(server.url(), steps, dryRun))), oracle);
      });
    }
  }

  for (const errors of ['DEFAULT', '0']) {
    for (const dryRun of [true, false]) {
      it(`a GROUP_CONCAT cut at group_concat_max_len fails the step (max_error_count ${errors})${dryRun ? ', --dry-run' : ''}`, async () => {
        const cut = [{ query: "SELECT GROUP_CONCAT(REPEAT('x', 100000)) AS g FROM jobs", params: [] }];
        const r = stepResult(await withGlobal('max_error_count', errors, () => runSteps(server.url(), cut, dryRun)), 's0');
        assert.equal(r.status, 'failed', JSON.stringify(r).slice(0, 300));
        assert.match(String(r.error ?? ''), /cut a GROUP_CONCAT\(\) at group_concat_max_len \(warning 1260\)/);
      });
    }
  }
});
