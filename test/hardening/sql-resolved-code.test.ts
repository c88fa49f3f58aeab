// Code a read's text does not show, found by the server's own resolution (issue #29), on PostgreSQL 15 to 18:
// views (nested too), a SELECT rule (15), row-level security policies, and operators and domains inside views,
// calling a function that terminates the victim. Each is refused as not read-only, dry and real (and, where
// the code is known to act, even when vouched for), and the victim and the marker rows survive; a view of
// harmless built-ins still reads. Behind PgBouncer in transaction mode the pin holds (and a role's hostile
// search_path changes nothing); in statement mode the read is refused because it cannot be pinned. The
// built-in runbooks' dry runs and `diagnose` with a role whose search_path puts a hostile schema first change
// nothing. The CLI runs from dist/: run `node bin/bundle.mjs` first after changing src.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { pgbouncerBinary, startPgbouncer } from '../../src/lab/pgbouncer.js';
import { adminQuery, victimSession } from '../db/helpers.js';
import { cli } from './helpers.js';
import { builtinReads } from './builtin-reads.js';
import { makeHostile } from './pg-hostile.js';
import { runSteps, type Step } from './read-steps.js';
import { majorOf, PG_MAJORS, PG_MAJORS_AT_ONCE } from '../helpers/pg-majors.js';
import type { PostgresVersion } from '../../src/lab/types.js';

const KILL = "pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'victim'";
/** The same as a boolean expression. */
const KILLED = `(SELECT bool_or(${KILL.replace(' FROM', ') FROM')})`;
const OPS = 'ops_user';
const OPS_PASSWORD = 'ops-password';

/** [what, setup SQL (as the administrator), the read, known to act (safe_because cannot cover it)] */
const CASES = (version: string): [string, string, string, boolean][] => [
  ['a view calling pg_terminate_backend', `CREATE VIEW public.v_term AS SELECT ${KILL}`, 'SELECT * FROM v_term', true],
  ['a view over that view', 'CREATE VIEW public.v_nested AS SELECT * FROM public.v_term', 'SELECT count(*) FROM public.v_nested', true],
  ['a view calling a user function', `CREATE FUNCTION public.quiet() RETURNS bool LANGUAGE sql AS $$ SELECT ${KILLED} $$;
    CREATE VIEW public.v_user AS SELECT public.quiet() AS q`, 'SELECT q FROM v_user', false],
  ['a view using a user operator', `CREATE FUNCTION public.op_kill(int, int) RETURNS bool LANGUAGE sql AS $$ SELECT ${KILLED} $$;
    CREATE OPERATOR public.=== (LEFTARG = int, RIGHTARG = int, FUNCTION = public.op_kill);
    CREATE VIEW public.v_op AS SELECT 1 OPERATOR(public.===) 1 AS x`, 'SELECT x FROM v_op', false],
  ['a view casting to a domain whose check acts', `CREATE FUNCTION public.check_kill(int) RETURNS bool LANGUAGE sql AS $$ SELECT ${KILLED} IS NOT NULL $$;
    CREATE DOMAIN public.killer AS int CHECK (public.check_kill(VALUE)); CREATE VIEW public.v_dom AS SELECT 1::public.killer AS k`, 'SELECT k FROM v_dom', false],
  ['a row-level security policy', `CREATE TABLE public.guarded (id int); INSERT INTO public.guarded VALUES (1);
    ALTER TABLE public.guarded ENABLE ROW LEVEL SECURITY; ALTER TABLE public.guarded FORCE ROW LEVEL SECURITY;
    CREATE POLICY p ON public.guarded USING (${KILLED} IS NOT NULL); GRANT SELECT ON public.guarded TO PUBLIC`,
  'SELECT id FROM guarded', true],
  ...(majorOf(version as PostgresVersion) < 16 ? [['a SELECT rule (a table turned view)', `CREATE TABLE public.ruled (t bool);
    CREATE RULE "_RETURN" AS ON SELECT TO public.ruled DO INSTEAD SELECT ${KILLED} AS t`, 'SELECT t FROM ruled', true] as [string, string, string, boolean]] : []),
];

// One parent so the two majors run side by side: each has its own server and roles, and much of a case is waiting
// on the CLI's runs and probes. Within a major one case at a time, in order (concurrency 1: a describe takes its
// parent's otherwise): the cases build on the server's schema and roles as the earlier ones left them.
describe('code the server resolves for a read, on every major the engine reads', { concurrency: PG_MAJORS_AT_ONCE }, () => {
  for (const version of PG_MAJORS.filter((v) => majorOf(v) >= 15)) {
    describe(`PostgreSQL ${majorOf(version)}: code the server resolves for a read`, { concurrency: 1 }, () => {
      let server: LabServer;
      let victim: pg.Client;
      const connectVictim = async () => { victim = await victimSession(server); };
      async function intact(what: string): Promise<void> {
        assert.ok(await victim.query('SELECT 1').then(() => true, () => false), `${what}: the victim session survives`);
        assert.deepEqual(await adminQuery(server, 'SELECT id FROM public.marker ORDER BY id'), [{ id: 1 }, { id: 2 }], `${what}: marker rows`);
      }
      before(async () => {
        server = await startPostgres({ postgresVersion: version });
        await adminQuery(server, 'CREATE TABLE public.marker (id int PRIMARY KEY); INSERT INTO public.marker VALUES (1), (2); GRANT SELECT ON ALL TABLES IN SCHEMA public TO PUBLIC');
        await connectVictim();
      });
      after(async () => {
        await victim?.end().catch(() => undefined);
        await server?.stop();
      });

      for (const [what, setup, query, acts] of CASES(version)) {
        it(`${what}: refused${acts ? ' even vouched for' : ''}, dry and real; it is real through a plain connection`, async () => {
          await adminQuery(server, setup);
          await adminQuery(server, 'GRANT SELECT ON ALL TABLES IN SCHEMA public TO PUBLIC');
          const vouchings = acts ? [false, true] : [false];
          for (const vouched of vouchings) {
            for (const dryRun of [true, false]) {
              const events = await runSteps(server.url(), [{ query, params: [], vouched }], dryRun);
              const f = events.find((e) => e.type === 'step-finished' && e.stepId === 's0');
              assert.ok(f?.type === 'step-finished');
              assert.deepEqual([f.result.status, f.result.classification], ['failed', 'not-read-only'], `${what}: ${f.result.error}`);
              assert.match(f.result.error ?? '', /^not read-only: step s0: .*(acts on the server|not known to be read-only).*as the server resolves it/);
              await intact(what);
            }
          }
          const plain = new pg.Client({ connectionString: server.url() });
          await plain.connect();
          await plain.query(query).catch(() => undefined);
          await plain.end();
          assert.equal(await victim.query('SELECT 1').then(() => true, () => false), false, `${what} terminates the victim unchecked`);
          await connectVictim();
        });
      }

      it('a foreign table (file_fdw running a program), read directly or as an inheritance child: refused, dry and real', async () => {
        await adminQuery(server, `CREATE EXTENSION file_fdw; CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;
          CREATE FOREIGN TABLE public.ft (x text) SERVER files OPTIONS (program 'echo ran');
          CREATE TABLE public.parent (x text); CREATE FOREIGN TABLE public.fchild () INHERITS (public.parent) SERVER files OPTIONS (program 'echo ran');
          GRANT SELECT ON public.ft, public.parent, public.fchild TO PUBLIC`);
        for (const [query, shown] of [['SELECT x FROM ft', 'ft'], ['SELECT x FROM parent', 'fchild']] as const) {
          for (const dryRun of [true, false]) {
            const events = await runSteps(server.url(), [{ query, params: [] }], dryRun);
            const f = events.find((e) => e.type === 'step-finished' && e.stepId === 's0');
            assert.ok(f?.type === 'step-finished');
            assert.equal(f.result.classification, 'not-read-only', f.result.error);
            assert.match(f.result.error ?? '', new RegExp(`${shown} is a foreign table, whose wrapper is not known to be read-only`));
          }
        }
        const plain = await adminQuery(server, 'SELECT x FROM public.parent');
        assert.deepEqual(plain, [{ x: 'ran' }], 'unchecked, the read runs the program');
        await intact('foreign tables');
      });

      it('a view of built-ins and casts, and a materialized view, still read', async () => {
        await adminQuery(server, `CREATE VIEW public.v_ok AS SELECT id::text AS t, now() AS at, lower(current_user::text) AS u, id + 1 AS n FROM public.marker;
          CREATE MATERIALIZED VIEW public.mv AS SELECT count(*) AS n FROM pg_stat_activity; GRANT SELECT ON public.v_ok, public.mv TO PUBLIC`);
        for (const dryRun of [true, false]) {
          const events = await runSteps(server.url(), [{ query: 'SELECT t, n FROM v_ok ORDER BY n', params: [] }, { query: 'SELECT n FROM mv', params: [] }], dryRun);
          const finished = events.filter((e) => e.type === 'step-finished');
          for (const f of finished) if (f.type === 'step-finished') assert.equal(f.result.status, 'ok', f.result.error);
        }
        await intact('harmless views');
      });

      it('a table in a schema left out of the path (it overloads a pg_catalog name): the error says so; qualified, it reads', async () => {
        await adminQuery(server, `CREATE SCHEMA shady; CREATE TABLE shady.t (id int); INSERT INTO shady.t VALUES (7);
          CREATE FUNCTION shady.length(varchar) RETURNS int LANGUAGE sql AS 'SELECT 0';
          GRANT USAGE ON SCHEMA shady TO PUBLIC; GRANT SELECT ON shady.t TO PUBLIC; ALTER ROLE ${server.appUser} SET search_path = shady, public`);
        try {
          const events = await runSteps(server.url(), [{ query: 'SELECT id FROM t', params: [] }, { query: 'SELECT id, length(id::varchar) AS l FROM shady.t', params: [] }], false);
          const [bare, qualified] = events.flatMap((e) => (e.type === 'step-finished' ? [e.result] : []));
          assert.equal(bare?.status, 'failed');
          assert.match(bare?.error ?? '', /relation "t" does not exist \(a read resolves names with search_path = pg_catalog, public, pg_temp; .*qualify the name\)/);
          assert.deepEqual([qualified?.status, qualified?.rows], ['ok', [{ id: 7, l: 1 }]], 'pg_catalog.length, not shady.length');
        } finally {
          await adminQuery(server, `ALTER ROLE ${server.appUser} RESET search_path`);
        }
      });

      it('behind PgBouncer: transaction mode keeps the pin (a hostile role search_path changes nothing); statement mode refuses the read', { skip: pgbouncerBinary() ? false : 'pgbouncer is not installed' }, async () => {
        const corpus = builtinReads().filter((r) => r.engine === 'postgres' && !r.console).map((r) => r.query);
        const calls = await makeHostile(server, corpus);
        await adminQuery(server, `ALTER ROLE ${server.appUser} SET search_path = evil, public, pg_catalog`);
        try {
          const steps: Step[] = [...calls.slice(0, 40).map((q) => ({ query: q, params: [] })), { query: 'SELECT now(), current_setting($1)', params: ['search_path'] }];
          const tx = await startPgbouncer(server, { poolMode: 'transaction' });
          try {
            for (const dryRun of [true, false]) {
              const events = await runSteps(tx.url(), steps, dryRun);
              for (const f of events) if (f.type === 'step-finished') assert.equal(f.result.status, 'ok', `${f.stepId}: ${f.result.error}`);
              await intact(`transaction pooling${dryRun ? ', dry run' : ''}`);
            }
          } finally { await tx.stop(); }
          const st = await startPgbouncer(server, { poolMode: 'statement' });
          try {
            const events = await runSteps(st.url(), [{ query: 'SELECT now()', params: [] }], false);
            const f = events.find((e) => e.type === 'step-finished' && e.stepId === 's0');
            assert.ok(f?.type === 'step-finished');
            assert.equal(f.result.classification, 'not-read-only', f.result.error);
            assert.match(f.result.error ?? '', /could not be pinned for a read .*not run as a read/);
            await intact('statement pooling');
          } finally { await st.stop(); }
        } finally {
          await adminQuery(server, `ALTER ROLE ${server.appUser} RESET search_path`);
        }
      });

      it('the built-in runbooks\' dry runs and diagnose, as a role whose search_path puts the hostile schema first, change nothing', async () => {
        await adminQuery(server, `CREATE ROLE ${OPS} LOGIN SUPERUSER PASSWORD '${OPS_PASSWORD}'`);
        await adminQuery(server, `DO $$ BEGIN IF to_regnamespace('evil') IS NULL THEN RAISE EXCEPTION 'no evil schema'; END IF; END $$`).catch(async () => {
          await makeHostile(server, builtinReads().filter((r) => r.engine === 'postgres' && !r.console).map((r) => r.query));
        });
        await adminQuery(server, `ALTER ROLE ${OPS} SET search_path = evil, public, pg_catalog`);
        const url = server.url({ user: OPS, password: OPS_PASSWORD });
        // Real: the role's own session calls the hostile now() (the built-ins' reads call it unqualified).
        const plain = new pg.Client({ connectionString: url });
        await plain.connect();
        await plain.query('SELECT now()');
        await plain.end();
        assert.equal(await victim.query('SELECT 1').then(() => true, () => false), false, 'the role\'s unqualified now() terminates the victim');
        await connectVictim();
        // timeout: every login counts as slow, so its 20 s watch of logins (a db-connect probe every 2 s) stops at the
        // first one, which logs in as the role as the other nine would; the reads before it (load) run as before.
        // The full watch is test/hardening/dry-run-every-builtin.test.ts's and test/runbooks/endings-network.test.ts's.
        const extra: Record<string, string[]> = { 'pool-exhausted': ['--input', 'app_processes=0'], auth: ['--input', `admin_url=${url}`],
          timeout: ['--input', 'slow_login_ms=-1'] };
        for (const name of ['pool-exhausted', 'auth', 'ssl', 'timeout', 'refused']) {
          const r = await cli(['run', name, '--plain', '--dry-run', '--no-transcript', '--input', `url=${url}`, ...(extra[name] ?? [])], { timeoutMs: 120_000 });
          assert.ok(r.code !== null && r.code <= 2, `${name}: ${r.stdout}${r.stderr}`);
          assert.doesNotMatch(r.stdout + r.stderr, /Error: |at .*\.js:\d+/, `${name}: no stack trace`);
          // pool-exhausted's reads call now() unqualified: they ran, and read (the role's now() would have terminated the victim).
          if (name === 'pool-exhausted') assert.match(r.stdout, /^ok +sessions /m, r.stdout);
          if (name === 'timeout') assert.match(r.stdout, /^ok +load [\s\S]*^ok +flaky-watch /m, r.stdout);
          await intact(`${name} --dry-run`);
        }
        const d = await cli(['diagnose', url, '--timeout', '5s'], { timeoutMs: 120_000 });
        assert.ok(d.code !== null, d.stdout + d.stderr);
        await intact('diagnose');
      });
    });
  }
});
