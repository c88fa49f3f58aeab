// One reading, by construction (issue #29), on PostgreSQL 15 and 18: whatever the role, the database or
// PGOPTIONS set (standard_conforming_strings, backslash_quote, client_encoding, search_path with a hostile
// schema first, or after pg_catalog with overloads that win by exact match), a validated non-destructive step
// runs as the classifier read it, with and without --dry-run: the victim session and the marker rows survive,
// and every step still reads. The steps are generated: the built-in runbooks' reads, a call of every hostile
// function and operator the server made from the corpus, and the lexing attacks. Each setting is first shown
// to be real: the same texts through a plain connection terminate the victim. A file per major and
// part (sql-session-settings-{15,18}-{path,quoting}.test.ts): one file ran past the runner's 600 s limit at load 12.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { builtinReads } from './builtin-reads.js';
import { LEXING_ATTACKS, makeHostile } from './pg-hostile.js';
import { runSteps, setSql, type Step } from './read-steps.js';

/** Where the setting comes from; 'session': an earlier destructive step of the same run SET it (real runs only). */
type Level = 'role' | 'database' | 'PGOPTIONS' | 'session';

const SETTINGS: [string, string][] = [
  ['search_path', 'evil, public, pg_catalog'], ['search_path', 'pg_catalog, evil, public'], ['search_path', 'twin, public, pg_catalog'],
  ['standard_conforming_strings', 'off'], ['client_encoding', 'SJIS'], ['backslash_quote', 'on'],
];
const LEVELS: Level[] = ['role', 'database', 'PGOPTIONS', 'session'];
const OPS = 'ops_user';
const OPS_PASSWORD = 'ops-password';

async function withLevel<T>(server: LabServer, level: Level, [name, value]: [string, string], fn: () => Promise<T>): Promise<T> {
  if (level === 'session') return fn();
  const target = level === 'role' ? `ROLE ${OPS}` : `DATABASE ${server.database}`;
  if (level !== 'PGOPTIONS') await adminQuery(server, `ALTER ${target} SET ${name} = ${value.includes(',') ? value : `'${value}'`}`);
  const saved = process.env.PGOPTIONS;
  if (level === 'PGOPTIONS') process.env.PGOPTIONS = `-c ${name}=${value.replace(/ /g, '')}`;
  try {
    return await fn();
  } finally {
    if (level === 'PGOPTIONS') { if (saved === undefined) delete process.env.PGOPTIONS; else process.env.PGOPTIONS = saved; }
    else await adminQuery(server, `ALTER ${target} RESET ${name}`);
  }
}

/** The suite on one major, 'system' (the machine's PostgreSQL 15) or '18' (npm's embedded build), for the
 *  search_path settings or the others: four files, each within the runner's limit on a loaded machine. */
export function sessionSettingsSuite(version: 'system' | '18', part: 'search_path' | 'others'): void {
  const settings = SETTINGS.filter(([name]) => (name === 'search_path') === (part === 'search_path'));
  describe(`PostgreSQL ${version === '18' ? '18' : '15'}: the session settings (${part === 'search_path' ? 'search_path' : 'quoting and encoding'}) cannot change what a read runs`, () => {
    let server: LabServer;
    let victim: pg.Client;
    let steps: Step[];
    const opsUrl = () => server.url({ user: OPS, password: OPS_PASSWORD });
    const connectVictim = async () => {
      victim = new pg.Client({ connectionString: server.url(), application_name: 'victim' });
      victim.on('error', () => undefined);
      await victim.connect();
    };
    const victimAlive = async () => victim.query('SELECT 1').then(() => true, () => false);
    async function intact(what: string): Promise<void> {
      assert.ok(await victimAlive(), `${what}: the victim session survives`);
      assert.deepEqual(await adminQuery(server, 'SELECT id FROM public.marker ORDER BY id'), [{ id: 1 }, { id: 2 }], `${what}: marker rows`);
    }

    before(async () => {
      server = await startPostgres({ postgresVersion: version });
      await adminQuery(server, 'CREATE TABLE public.marker (id int PRIMARY KEY); INSERT INTO public.marker VALUES (1), (2)');
      // An administrator, as the built-in runbooks ask for; its role settings are the hostile ones below.
      await adminQuery(server, `CREATE ROLE ${OPS} LOGIN SUPERUSER PASSWORD '${OPS_PASSWORD}'`);
      const corpus = builtinReads().filter((r) => r.engine === 'postgres' && !r.console);
      const calls = await makeHostile(server, corpus.map((r) => r.query));
      steps = [
        ...corpus.map((r) => ({ query: r.query, params: r.params.map((p) => (/\.user\b/.test(p) ? server.appUser : '1')) })),
        ...calls.map((query) => ({ query, params: [] })),
        ...LEXING_ATTACKS.map((query) => ({ query, params: [] })),
      ];
      assert.ok(calls.length >= 20, `hostile functions and operators generated: ${calls.length}`);
      await connectVictim();
    });
    after(async () => {
      await victim?.end().catch(() => undefined);
      await server?.stop();
    });

    for (const setting of settings) {
      // backslash_quote changes nothing where the client encoding is UTF8: pinned all the same, nothing to show.
      if (setting[0] !== 'backslash_quote') it(`${setting[0]} = ${setting[1]} is real: through a plain connection the steps terminate the victim`, async () => {
        const killed = await withLevel(server, 'role', setting, async () => {
          const plain = new pg.Client({ connectionString: opsUrl() });
          plain.on('error', () => undefined);
          await plain.connect();
          try {
            // pg sends client_encoding=UTF8 at login, over the role's and the database's: a session SET is the way in.
            await plain.query(setSql(setting));
            for (const s of steps) {
              await plain.query(s.query, s.params).catch(() => undefined);
              if (!(await victimAlive())) return s.query;
            }
            return undefined;
          } finally { await plain.end().catch(() => undefined); }
        });
        assert.ok(killed, 'some step terminated the victim through a plain connection');
        await connectVictim();
      });

      for (const level of LEVELS) {
        for (const dryRun of level === 'session' ? [false] : [true, false]) {
          it(`${setting[0]} = ${setting[1]} at the ${level} level${dryRun ? ', --dry-run' : ''}: every step reads, nothing is terminated`, async () => {
            const events = await withLevel(server, level, setting, () => runSteps(opsUrl(), steps, dryRun, level === 'session' ? setSql(setting) : undefined));
            const finished = events.filter((e) => e.type === 'step-finished' && e.stepId !== 'set');
            if (level === 'session') assert.ok(events.some((e) => e.type === 'step-finished' && e.stepId === 'set' && e.result.status === 'ok'), 'the SET ran');
            assert.equal(finished.length, steps.length);
            for (const f of finished) if (f.type === 'step-finished') assert.equal(f.result.status, 'ok', `${f.stepId}: ${f.result.error}`);
            await intact(`${setting[0]} at ${level}`);
          });
        }
      }
    }
  });
}
