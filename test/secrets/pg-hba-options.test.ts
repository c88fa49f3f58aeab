// The authentication files' secrets (issue #45, stop 81; stop 80's left list): pg_hba_file_rules shows each
// pg_hba.conf line's options with their values, a search+bind LDAP line's `ldapbindpasswd=` and a RADIUS line's
// `radiussecrets=` among them, and its `error` column quotes the line's own words ("authentication option not in
// name=value format: <token>"). A superuser's `SELECT options FROM pg_hba_file_rules` (validate clean, a proven
// read) printed them whole on the screen and in the transcript, dry run too. Now the engine's statement never
// reads those views itself: each reference is written as the engine's subquery of it, the options' values shown
// only for the keys on its list and an error cut before the first character a value could begin with
// (language/sql/pg-masked-relations.ts); a view someone made over them is a read given a secret (its reach).
// Generated reads (seed 81), real and dry, on PostgreSQL 15 (LDAP and RADIUS lines) and 18 (neither method is
// built there: the error channel); the server itself is the reader that runs them.
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { scratch, writeRunbook } from '../hardening/helpers.js';
import { assertEachRead, assertNothingOf, chainedReads, finished, pick, runRealAndDry, secretOf } from './secret-reads.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { rng } from '../helpers/rng.js';


/** A read of the rules view: which column, how wrapped, in what. `view` reads are given a secret (withheld). */
function generated(next: () => number, i: number): { ddl?: string; query: string; withheld: boolean } {
  const rel = pick(next, ['pg_hba_file_rules', 'pg_catalog.pg_hba_file_rules']);
  const value = pick(next, ['options', 'error', 'h', 'h.*', '*', 'opt']);
  const wrap = (e: string) => (e.endsWith('*') ? e : e === 'opt' ? pick(next, ['opt', 'upper(opt)', 'reverse(opt)'])
    : pick(next, [`${e}::text`, `upper(${e}::text)`, `reverse(${e}::text)`, `to_json(${e})::text`, `md5(${e}::text) || ${e}::text`]));
  const from = value === 'opt' ? `${rel} h, unnest(h.options) opt` : `${rel} h`;
  const where = pick(next, ['true', 'h.options IS NOT NULL', 'h.error IS NOT NULL', "h.auth_method <> 'trust'"]);
  const inner = `SELECT ${wrap(value)}${value.endsWith('*') ? '' : ' AS v'} FROM ${from} WHERE ${where}`;
  const container = pick(next, ['direct', 'subquery', 'cte', 'join', 'view'] as const);
  if (container === 'subquery') return { query: `SELECT * FROM (${inner}) x`, withheld: false };
  if (container === 'cte') return { query: `WITH x AS (${inner}) SELECT * FROM x`, withheld: false };
  if (container === 'join') return { query: `SELECT a.line_number, b.options::text AS v FROM ${rel} a JOIN pg_catalog.pg_hba_file_rules b USING (line_number)`, withheld: false };
  if (container === 'view') return { ddl: `CREATE VIEW public.hv${i} AS ${inner}`, query: `SELECT * FROM public.hv${i}`, withheld: true };
  return { query: inner, withheld: false };
}

const runbook = (server: LabServer, queries: string[]): string => chainedReads('hba', 'The authentication rules', server.adminUrl(), queries);

/** The options shown as they are (a key on the list): the rules stay useful. */
const SHOWN = "SELECT line_number, array_to_string(options, ' ') AS o FROM pg_hba_file_rules WHERE options IS NOT NULL ORDER BY line_number";

for (const version of ['system', '18'] as const) { // the system's is 15
  describe(`the authentication files' secrets (PostgreSQL ${version})`, () => {
    let server: LabServer;
    const next = rng(81);
    const bind = secretOf(next, 'Lb');
    const radius = secretOf(next, 'Rs');
    const token = secretOf(next, 'Tk');
    const methods = version === 'system'; // PostgreSQL 18's build has neither LDAP nor RADIUS
    const secrets = methods ? [bind, radius, token] : [token];
    const queries: { query: string; withheld: boolean }[] = [];
    before(async () => {
      server = await startPostgres({ postgresVersion: version, hbaLines: [
        ...(methods ? [`host all ldapu 127.0.0.1/32 ldap ldapserver=127.0.0.1 ldapbasedn="dc=example,dc=org" ldapbinddn="cn=adm" ldapbindpasswd=${bind} ldapsearchattribute=uid`,
          `host all radu 127.0.0.1/32 radius radiusservers=127.0.0.1 radiussecrets=${radius} radiusidentifiers=pg`] : []),
        'host all all 127.0.0.1/32 scram-sha-256'] });
      // A line the server would refuse to start with, written after it started: the view reads the file as it is now.
      const file = String((await adminQuery(server, 'SHOW hba_file'))[0]!.hba_file);
      appendFileSync(file, `host all tku 127.0.0.1/32 scram-sha-256 ${token}\n`);
      const rows = await adminQuery(server, 'SELECT array_to_string(options, \' \') AS o, error FROM pg_hba_file_rules');
      assert.ok(secrets.every((s) => rows.some((r) => `${String(r.o)} ${String(r.error)}`.includes(s))), 'the server shows every planted secret in the view');
      for (let i = 0; i < 16; i++) {
        const r = generated(next, i);
        if (r.ddl) await adminQuery(server, r.ddl);
        queries.push(r);
      }
      queries.push({ query: SHOWN, withheld: false });
    });
    after(async () => { await server?.stop(); });

    it('16 generated reads (seed 81): no secret shown or recorded, dry and real; the rules read directly stay shown', { timeout: E2E_TEST_LIMIT_MS * 2 }, async (t) => {
      const dir = scratch(t);
      const file = writeRunbook(dir, 'hba', runbook(server, queries.map((q) => q.query)));
      await runRealAndDry(dir, file, (dry, r, recorded) => {
        assertNothingOf(secrets, r, recorded, dry);
        assertEachRead(queries, recorded, dry);
        if (dry || !methods) return;
        const shown = JSON.stringify(finished(recorded, `r${queries.length - 1}`)?.rows);
        assert.match(shown, /ldapserver=127\.0\.0\.1 ldapbasedn=dc=example,dc=org ldapbinddn=cn=adm ldapbindpasswd=\*\*\*\*/);
        assert.match(shown, /radiusservers=127\.0\.0\.1 radiussecrets=\*\*\*\* radiusidentifiers=pg/);
      });
    });
  });
}
