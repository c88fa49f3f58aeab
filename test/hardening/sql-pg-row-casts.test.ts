// Two ways a read ran the application role's own code without naming it (issue #45), found by a hostile owner's
// probe (no superuser), on 15 and 18, dry and real:
// - a cast the owner gave a relation's own row type (`CREATE CAST (t1 AS text) WITH FUNCTION … AS IMPLICIT`) runs on
//   a whole-row reference: `t1::text`, `length(t1)`, `lower(t1)`. The engine read the relation's column types,
//   not its row type.
// - `(x).name` and `t.name` convert x to a type called name where no function fits exactly (PostgreSQL's
//   FuncNameAsType), and a domain's CHECK runs then: `('a'::text).evil`, `a.evil FROM pg_stat_activity a`.
// Generated: relation kinds × cast targets and contexts × ways of reading; domains over several types × places of
// the attribute. Each is run through a plain connection first (the attack is live where the server takes it),
// then through the engine, where none may run the planted code.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { appQuery } from '../db/helpers.js';
import { runSteps } from './read-steps.js';
import { majorOf, PG_EDGE_MAJORS, PG_MAJORS_AT_ONCE } from '../helpers/pg-majors.js';

const RAN = 'PLANTED CODE RAN';

/** [relation DDL for R, cast target, cast context] */
const RELATIONS: ((r: string) => string)[] = [
  (r) => `CREATE TABLE public.${r} (a int); INSERT INTO public.${r} VALUES (1)`,
  (r) => `CREATE VIEW public.${r} AS SELECT 1 AS a`,
];
const TARGETS: [string, string][] = [['text', "'x'"], ['integer', '1'], ['jsonb', "'{}'::jsonb"]];
const CONTEXTS = ['AS IMPLICIT', 'AS ASSIGNMENT', ''];
const ROW_READS: ((r: string, target: string) => string)[] = [
  (r, t) => `SELECT ${r}::${t} AS x FROM ${r}`,
  (r, t) => `SELECT CAST(${r} AS ${t}) AS x FROM ${r}`,
  (r, t) => `SELECT x::${t} AS y FROM (SELECT ${r} AS x FROM ${r}) s`,
  (r, t) => `WITH c AS (SELECT ${r} AS x FROM ${r}) SELECT x::${t} AS y FROM c`,
  (r) => `SELECT length(${r}) AS x FROM ${r}`,
  (r) => `SELECT lower(${r}) AS x FROM ${r}`,
  (r) => `SELECT 1 AS x FROM ${r} WHERE ${r} LIKE 'x'`,
  (r) => `SELECT abs(${r}) AS x FROM ${r}`,
];

/** [domain's base type, places of `.name` in a read] */
const DOMAIN_BASES: [string, ((d: string) => string)[]][] = [
  ['text', [(d) => `SELECT ('a'::text).${d} AS x`, (d) => `SELECT (b).${d} AS x FROM public.tt`, (d) => `SELECT (a.query).${d} IS NULL AS x FROM pg_stat_activity a LIMIT 1`]],
  ['varchar', [(d) => `SELECT (v).${d} AS x FROM public.tt`]],
  ['integer', [(d) => `SELECT (a).${d} AS x FROM public.tt`, (d) => `SELECT (a.pid).${d} IS NULL AS x FROM pg_stat_activity a LIMIT 1`]],
  ['pg_catalog.pg_stat_activity', [(d) => `SELECT a.${d} IS NULL AS x FROM pg_stat_activity a LIMIT 1`, (d) => `SELECT (a).${d} IS NULL AS x FROM pg_stat_activity a LIMIT 1`]],
  ['public.tt', [(d) => `SELECT tt.${d} IS NULL AS x FROM public.tt`, (d) => `SELECT (tt).${d} IS NULL AS x FROM public.tt`]],
];

describe('code an owner attaches to types a read reaches without naming them', { concurrency: PG_MAJORS_AT_ONCE }, () => {
  for (const version of PG_EDGE_MAJORS) {
    describe(`PostgreSQL ${majorOf(version)}`, { concurrency: 1 }, () => {
      let server: LabServer;
      const rowCases: string[] = [];
      const domainCases: string[] = [];
      before(async () => {
        server = await startPostgres({ postgresVersion: version });
        await appQuery(server, `CREATE TABLE public.armed (on_ bool);
          CREATE FUNCTION public.fire() RETURNS bool LANGUAGE plpgsql AS
            $$ BEGIN IF EXISTS (SELECT 1 FROM public.armed) THEN RAISE EXCEPTION '${RAN}'; END IF; RETURN true; END $$;
          CREATE TABLE public.tt (a int, b text, v varchar); INSERT INTO public.tt VALUES (1, 'b', 'v')`);
        let n = 0;
        for (const relation of RELATIONS) {
          for (const [target, value] of TARGETS) {
            for (const context of CONTEXTS) {
              const r = `r${n++}`;
              await appQuery(server, `${relation(r)};
                CREATE FUNCTION public.${r}_cast(public.${r}) RETURNS ${target} LANGUAGE plpgsql AS $$ BEGIN PERFORM public.fire(); RETURN ${value}; END $$;
                CREATE CAST (public.${r} AS ${target}) WITH FUNCTION public.${r}_cast(public.${r}) ${context}`);
              for (const read of ROW_READS) rowCases.push(read(r, target));
            }
          }
        }
        for (const [base, places] of DOMAIN_BASES) {
          const d = `d${n++}`;
          await appQuery(server, `CREATE DOMAIN public.${d} AS ${base} CHECK (public.fire())`);
          for (const place of places) domainCases.push(place(d));
        }
        // Named like a reviewed function: the plain call is written pg_catalog.lower(…), the attribute form is not a call.
        await appQuery(server, 'CREATE DOMAIN public.lower AS varchar CHECK (public.fire())');
        domainCases.push('SELECT (v).lower AS x FROM public.tt');
        await appQuery(server, 'INSERT INTO public.armed VALUES (true)');
      });
      after(async () => { await server?.stop(); });

      async function check(cases: string[], what: string): Promise<void> {
        const live: string[] = [];
        for (const text of cases) {
          if (await appQuery(server, text).then(() => false, (e: Error) => e.message.includes(RAN))) live.push(text);
        }
        assert.ok(live.length >= cases.length / 3, `${what}: the attack is live for only ${live.length} of ${cases.length}`);
        for (const dryRun of [true, false]) {
          const events = await runSteps(server.url(), cases.map((query) => ({ query, params: [] })), dryRun, undefined, true);
          cases.forEach((text, i) => {
            const f = events.find((e) => e.type === 'step-finished' && e.stepId === `s${i}`);
            assert.ok(f?.type === 'step-finished', text);
            assert.doesNotMatch(f.result.error ?? '', new RegExp(RAN), `${dryRun ? 'dry run: ' : ''}${text}: the planted code ran`);
            if (live.includes(text)) assert.deepEqual([f.result.status, f.result.classification], ['failed', 'not-read-only'], `${dryRun ? 'dry run: ' : ''}${text}: ${f.result.error}`);
          });
        }
      }

      it('a cast on a relation\'s own row type: every whole-row read that would run it is refused, dry and real', () => check(rowCases, 'row casts'));
      it('(x).name converting to a domain: every such read is refused, dry and real', () => check(domainCases, 'domains'));
      it('without the plants, whole-row reads and attribute reads of PostgreSQL\'s own types still read', async () => {
        const events = await runSteps(server.url(), [
          { query: 'SELECT tt::text AS x FROM public.tt', params: [] }, { query: "SELECT ('1'::text)::integer AS x", params: [] },
          { query: 'SELECT (a).pid AS x FROM pg_stat_activity a LIMIT 1', params: [] },
        ], false);
        for (let i = 0; i < 3; i++) {
          const f = events.find((e) => e.type === 'step-finished' && e.stepId === `s${i}`);
          assert.ok(f?.type === 'step-finished' && f.result.status === 'ok', JSON.stringify(f));
        }
      });
    });
  }
});
