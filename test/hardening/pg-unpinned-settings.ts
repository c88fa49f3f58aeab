// A hostile probe (stop 75): the application's owner, no superuser, ran `ALTER ROLE app SET gin_fuzzy_search_limit
// = 10`, and a proven `SELECT count(*) FROM logs WHERE tags @> '{error}'` counted 6 of 2,500 (another few each
// time), dry and real, on 15 and 18; xmlbinary and timezone_abbreviations changed values the same way; a role's
// `pg_trgm.similarity_threshold` (a placeholder until a read's `%` loads the library) changed what a vouched
// read matched. The pin named a fixed list. Now the settings that change a value are pinned, and every other
// setting away from its compiled default that is not reviewed refuses the read, naming it.
// Every setting the server lists as settable by a role (context user or superuser) is given a value drawn (seed
// 75) from its type, range and values: a read answers as on a role that set nothing, or is refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { reviewedSettings } from '../../src/db/pg-unpinned-settings.js';
import { PINNED } from '../../src/db/pg-pin-sql.js';
import { adminQuery } from '../db/helpers.js';
import { rng } from '../helpers/rng.js';
import { runSteps, stepResult } from './read-steps.js';

/** Values that change under a setting a role may give: a GIN count, xml's bytes, a zone abbreviation, quoting,
 *  to_char's separators and month names. */
const VALUES_READ = `SELECT (SELECT count(*) FROM public.logs WHERE tags @> ARRAY['error']) AS errors,
  xmlelement(name x, 'ab'::bytea)::text AS xml, ('2026-01-01 12:00 IST'::timestamptz)::text AS ist,
  pg_catalog.quote_ident('abc') AS ident, pg_catalog.to_char(1234.5, '9G999D9') AS num,
  pg_catalog.to_char('2026-03-01'::date, 'TMMonth') AS month`;
const TRGM_READ = "SELECT count(*) AS n FROM public.logs WHERE body OPERATOR(trgm.%) 'jobs failing on node 5'";

interface Setting { name: string; vartype: string; min_val: string | null; max_val: string | null; enumvals: string[] | null; boot_val: string | null }

/** Strings the lab's servers accept, other than the default. */
const STRINGS: Record<string, string[]> = {
  lc_numeric: ['C.utf8', 'POSIX'], lc_time: ['C.utf8', 'POSIX'], lc_monetary: ['C.utf8'],
  timezone_abbreviations: ['India', 'Australia'], default_text_search_config: ['pg_catalog.german', 'pg_catalog.simple'],
};

/** A value for `s` other than its default, drawn by `next`; undefined where none can be drawn safely. */
function drawn(s: Setting, next: () => number): string | undefined {
  const pick = <T>(list: T[]): T => list[Math.floor(next() * list.length)]!;
  if (s.vartype === 'bool') return s.boot_val === 'on' ? 'off' : 'on';
  if (s.vartype === 'enum') return pick((s.enumvals ?? []).filter((v) => v !== s.boot_val));
  if (s.vartype === 'integer' || s.vartype === 'real') {
    const lo = Number(s.min_val), hi = Math.min(Number(s.max_val), lo + 1_000_000);
    const v = lo + next() * (hi - lo);
    const value = s.vartype === 'integer' ? String(Math.round(v)) : v.toFixed(3);
    return value === s.boot_val ? undefined : value;
  }
  const strings = STRINGS[s.name.toLowerCase()];
  return strings ? pick(strings) : undefined;
}

/** The suite for one major: 'system' (15) or '18'. */
export function unpinnedSettingsSuite(version: 'system' | '18'): void {
  describe(`PostgreSQL ${version === '18' ? '18' : '15'}: a setting on the role changes no read's values`, () => {
    let server: LabServer;
    let settings: Setting[];
    const read = async (query: string, dryRun: boolean, vouched = false) => {
      const r = stepResult(await runSteps(server.url(), [{ query, params: [], vouched }], dryRun), 's0');
      return { ok: r.status === 'ok', rows: JSON.stringify(r.rows), error: String(r.error ?? '') };
    };
    // One administrator's session sets and resets the role's settings for every draw (a login of its own for each
    // statement was two of the three logins a draw cost); the reads still log in afresh, as the role's settings ask.
    let admin: pg.Client;
    const onRole = async <T>(pairs: [string, string][], fn: () => Promise<T>): Promise<T | undefined> => {
      const set: string[] = [];
      try {
        for (const [name, value] of pairs) {
          try { await admin.query(`ALTER ROLE ${server.appUser} SET ${name} = '${value}'`); set.push(name); } catch { /* not settable so */ }
        }
        return set.length ? await fn() : undefined;
      } finally {
        for (const name of set) await admin.query(`ALTER ROLE ${server.appUser} RESET ${name}`);
      }
    };

    before(async () => {
      server = await startPostgres({ postgresVersion: version });
      await adminQuery(server, `CREATE TABLE public.logs (id int, tags text[], body text);
        INSERT INTO public.logs SELECT g, CASE WHEN g % 40 = 0 THEN ARRAY['error'] ELSE ARRAY['ok', 'x' || g] END, 'jobs failing on node ' || g
        FROM pg_catalog.generate_series(1, 100000) g;
        CREATE INDEX ON public.logs USING gin (tags); ANALYZE public.logs;
        CREATE SCHEMA trgm; CREATE EXTENSION pg_trgm SCHEMA trgm;
        GRANT USAGE ON SCHEMA trgm TO ${server.appUser}; GRANT SELECT ON public.logs TO ${server.appUser}`);
      settings = await adminQuery(server, `SELECT name, vartype, min_val, max_val, enumvals, boot_val FROM pg_catalog.pg_settings
        WHERE context IN ('user', 'superuser') ORDER BY name`) as unknown as Setting[];
      admin = new pg.Client({ connectionString: server.adminUrl() });
      await admin.connect();
    });
    after(async () => {
      await admin?.end().catch(() => undefined);
      await server?.stop();
    });

    for (const dryRun of [true, false]) {
      const dry = dryRun ? ', --dry-run' : '';

      it(`the probe's gin_fuzzy_search_limit = 10 on the role${dry}: the count is the whole 2,500`, async () => {
        const r = await onRole([['gin_fuzzy_search_limit', '10']], () => read(VALUES_READ, dryRun));
        assert.ok(r?.ok, r?.error);
        assert.equal(JSON.parse(r.rows)[0].errors, 2500);
      });

      it(`every setting a role may set, drawn by seed 75${dry}: each read answers as on a role that set nothing, or is refused naming a setting not reviewed`, async () => {
        const plain = await read(VALUES_READ, dryRun);
        assert.ok(plain.ok, plain.error);
        const next = rng(75 + (dryRun ? 1 : 0));
        const reviewed = reviewedSettings();
        const pinned = new Set(Object.keys(PINNED));
        let refused = 0;
        const draws = settings.filter((s) => !s.name.startsWith('transaction_'))
          .map((s) => ({ name: s.name.toLowerCase(), value: drawn(s, next) }))
          .filter((d): d is { name: string; value: string } => d.value !== undefined);
        // Those that refuse, or are pinned, one by one: the refusal must name the one set.
        for (const { name, value } of draws.filter((d) => !reviewed.has(d.name) || pinned.has(d.name))) {
          const r = await onRole([[name, value]], () => read(VALUES_READ, dryRun));
          if (!r) continue;
          if (r.ok) assert.equal(r.rows, plain.rows, `${name} = '${value}' changed the read`);
          if (!pinned.has(name)) {
            assert.ok(!r.ok && r.error.includes(`session's ${name} is`), `${name} = '${value}' (not reviewed) was not refused: ${r.error}`);
            refused += 1;
          }
        }
        // The reviewed, twenty at a time: a read that runs gives what it gives on a role that set nothing.
        const harmless = draws.filter((d) => reviewed.has(d.name) && !pinned.has(d.name));
        for (let i = 0; i < harmless.length; i += 20) {
          const batch = harmless.slice(i, i + 20);
          const r = await onRole(batch.map((d) => [d.name, d.value]), () => read(VALUES_READ, dryRun));
          if (r?.ok) assert.equal(r.rows, plain.rows, `${batch.map((d) => `${d.name} = '${d.value}'`).join(', ')} changed the read`);
        }
        assert.ok(refused >= 3, `${refused} refused`);
      });

      it(`monitoring a production server preloads: auto_explain's settings on the role${dry}: the read runs; another library's refuses`, async () => {
        // session_preload_libraries (a superuser's) loads auto_explain at each of the role's logins: its settings are
        // then the session's, away from their defaults, as a server's postgresql.conf sets them with
        // shared_preload_libraries. On the role, not the database: the administrator's own logins stay as they were.
        const db = `ROLE ${server.appUser}`;
        await adminQuery(server, `ALTER ${db} SET session_preload_libraries = 'auto_explain'; ALTER ${db} SET auto_explain.log_min_duration = 0; ALTER ${db} SET auto_explain.log_analyze = on`);
        try {
          const r = await read(VALUES_READ, dryRun);
          assert.ok(r.ok, r.error);
          assert.equal(JSON.parse(r.rows)[0].errors, 2500);
          await adminQuery(server, `ALTER ${db} SET session_preload_libraries = auto_explain, pg_trgm; ALTER ${db} SET pg_trgm.similarity_threshold = 0.9`);
          const other = await read(VALUES_READ, dryRun);
          assert.ok(!other.ok && other.error.includes('pg_trgm.similarity_threshold'), `${other.error} ${other.rows}`);
        } finally {
          for (const name of ['session_preload_libraries', 'auto_explain.log_min_duration', 'auto_explain.log_analyze', 'pg_trgm.similarity_threshold']) {
            await adminQuery(server, `ALTER ${db} RESET ${name}`);
          }
        }
      });

      // A vouched read is shown, not run, in a dry run.
      if (!dryRun) it('pg_trgm.similarity_threshold on the role (a placeholder until % loads the library): a vouched read is refused naming it', async () => {
        const next = rng(77);
        for (let i = 0; i < 3; i += 1) {
          const value = (0.31 + next() * 0.69).toFixed(2);
          const r = await onRole([['pg_trgm.similarity_threshold', value]], () => read(TRGM_READ, false, true));
          assert.ok(r && !r.ok && r.error.includes('pg_trgm.similarity_threshold'), `threshold ${value}: ${r?.error ?? ''} ${r?.rows ?? ''}`);
        }
      });
    }
  });
}
