// A hostile probe (stop 67) found three role settings the read's pin left to the role, on PostgreSQL 15 and 18,
// dry and real: with default_transaction_isolation = serializable, a proven read made an application's
// serializable transaction fail at commit (the pivot of a read/write cycle; its INSERT was lost); with
// array_nulls = off, the IN list the engine writes as `= ANY ('{"x",NULL}')` matched an application_name
// 'NULL'; with transform_null_equals = on, the author's `client_addr = NULL` (which PostgreSQL reads as IS NULL
// only as a bare `=`) counted differently from the engine's OPERATOR(pg_catalog.=). Now a read runs READ
// COMMITTED and the two settings are pinned to PostgreSQL's defaults: each read gives what it gives on a role that
// set nothing, and the application's transaction commits.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { runSteps, stepResult } from './read-steps.js';

const COUNT_NULL_NAMED = "SELECT count(*) AS n FROM pg_catalog.pg_stat_activity WHERE application_name IN ('x', NULL)";
const COUNT_EQUALS_NULL = 'SELECT count(*) AS n FROM pg_catalog.pg_stat_activity WHERE client_addr = NULL';

for (const version of ['system', '18'] as const) {
  describe(`PostgreSQL ${version === '18' ? '18' : '15'}: the role's settings do not change what a read does or gives`, () => {
    let server: LabServer;
    const clients: pg.Client[] = [];
    const client = async (applicationName?: string): Promise<pg.Client> => {
      const c = new pg.Client({ connectionString: server.url(), ...(applicationName ? { application_name: applicationName } : {}) });
      c.on('error', () => undefined);
      await c.connect();
      clients.push(c);
      return c;
    };
    const withRoleSetting = async <T>(name: string, value: string, fn: () => Promise<T>): Promise<T> => {
      await adminQuery(server, `ALTER ROLE ${server.appUser} SET ${name} = '${value}'`);
      try { return await fn(); } finally { await adminQuery(server, `ALTER ROLE ${server.appUser} RESET ${name}`); }
    };
    const readN = async (query: string, dryRun: boolean): Promise<number> => {
      const r = stepResult(await runSteps(server.url(), [{ query, params: [] }], dryRun), 's0');
      assert.equal(r.status, 'ok', r.error);
      return Number((r.rows as { n: unknown }[])[0]!.n);
    };

    before(async () => {
      server = await startPostgres({ postgresVersion: version });
      await adminQuery(server, `CREATE TABLE public.control (deposit_no int); INSERT INTO public.control VALUES (1);
        CREATE TABLE public.receipts (deposit_no int, amount numeric);
        GRANT ALL ON public.control, public.receipts TO ${server.appUser}`);
      await client('NULL'); // a session whose application_name is the string NULL
    });
    after(async () => {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      await server?.stop();
    });

    // Stop 72: settings that change how the server PRINTS a value, which node-postgres then parses: a role's
    // extra_float_digits = -15 printed a lag of 149 as 1e+02 (read as 100, and the run routed on it); DateStyle,
    // IntervalStyle and bytea_output changed dates, intervals and bytes the same way. Generated values, each read
    // under every setting a role may give, compared with the read on a role that set nothing.
    const OUTPUT_SETTINGS: [string, string[]][] = [
      ['extra_float_digits', ['-15', '-5', '0', '3']],
      ['datestyle', ['SQL, DMY', 'German', 'Postgres, YMD', 'ISO, DMY']],
      ['intervalstyle', ['sql_standard', 'iso_8601', 'postgres_verbose']],
      ['bytea_output', ['escape']],
    ];
    const valuesRead = (seed: number): string => {
      let x = seed;
      const next = () => (x = (x * 1103515245 + 12345) % 2147483648);
      const rows = Array.from({ length: 6 }, () => {
        const f = (next() % 100000) / 7, day = 1 + (next() % 28), month = 1 + (next() % 12), secs = next() % 200000;
        return `(${f}::float8, '2026-${month}-${day}'::date, '${secs} seconds'::interval, '\\x${(next() % 65536).toString(16).padStart(4, '0')}'::bytea, '2026-${month}-${day} 01:02:03.25'::timestamp)`;
      });
      return `SELECT f, d, i, b, t FROM (VALUES ${rows.join(', ')}) AS v(f, d, i, b, t)`;
    };
    for (const dryRun of [true, false]) {
      it(`output settings on the role${dryRun ? ', --dry-run' : ''}: floats, dates, intervals and bytes read as on a role that set nothing`, async () => {
        for (const [seed, [name, values]] of OUTPUT_SETTINGS.entries()) {
          const query = valuesRead(seed + 72);
          const read = async () => { const r = stepResult(await runSteps(server.url(), [{ query, params: [] }], dryRun), 's0'); assert.equal(r.status, 'ok', r.error); return JSON.stringify(r.rows); };
          const plain = await read();
          for (const value of values) assert.equal(await withRoleSetting(name, value, read), plain, `${name} = '${value}'`);
        }
      });
    }

    for (const dryRun of [true, false]) {
      const dry = dryRun ? ', --dry-run' : '';

      it(`array_nulls = off on the role${dry}: an IN list with NULL matches no 'NULL' name, as on a role that set nothing`, async () => {
        const plain = await readN(COUNT_NULL_NAMED, dryRun);
        assert.equal(plain, 0);
        assert.equal(await withRoleSetting('array_nulls', 'off', () => readN(COUNT_NULL_NAMED, dryRun)), plain);
      });

      it(`transform_null_equals = on on the role${dry}: x = NULL is never true, as on a role that set nothing`, async () => {
        const plain = await readN(COUNT_EQUALS_NULL, dryRun);
        assert.equal(plain, 0);
        assert.equal(await withRoleSetting('transform_null_equals', 'on', () => readN(COUNT_EQUALS_NULL, dryRun)), plain);
      });

      it(`default_transaction_isolation = serializable on the role${dry}: the read runs READ COMMITTED, and an application's serializable transaction commits`, async () => {
        await adminQuery(server, 'TRUNCATE public.receipts; UPDATE public.control SET deposit_no = 1');
        await withRoleSetting('default_transaction_isolation', 'serializable', async () => {
          const iso = stepResult(await runSteps(server.url(), [{ query: "SELECT pg_catalog.current_setting('transaction_isolation') AS iso", params: [] }], dryRun), 's0');
          assert.deepEqual(iso.rows, [{ iso: 'read committed' }], iso.error);
          // T1 reads control and inserts a receipt; T2 then updates control and commits; the read sees control
          // and receipts as they were before T1: under SERIALIZABLE it would be the pivot's reader and T1 fail.
          const t1 = await client();
          const t2 = await client();
          await t1.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
          await t1.query('SELECT deposit_no FROM public.control');
          await t1.query('INSERT INTO public.receipts VALUES (1, 100)');
          await t2.query('BEGIN ISOLATION LEVEL SERIALIZABLE; UPDATE public.control SET deposit_no = 2; COMMIT');
          const read = stepResult(await runSteps(server.url(), [{ query: 'SELECT c.deposit_no, (SELECT count(*) FROM public.receipts r WHERE r.deposit_no = 1) AS n FROM public.control c', params: [] }], dryRun), 's0');
          assert.equal(read.status, 'ok', read.error);
          await t1.query('COMMIT');
        });
        assert.deepEqual(await adminQuery(server, 'SELECT count(*)::int AS n FROM public.receipts'), [{ n: 1 }], "the application's INSERT committed");
      });
    }
  });
}
