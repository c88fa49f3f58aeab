// A secret in a connection URL's user or database is handed to the server at login, and the server hands it back
// to any SQL on the session: current_user, session_user, current_database(), USER(), DATABASE(). A hostile
// tester logged in as `${{ inputs.tok }}` (a role named after the secret) and read upper(current_user),
// reverse(session_user) and translate(current_user, …) with a proven read: the screen, the end message, the
// transcript, report and replay showed HUNTER2SECRET, and target-identified held the user unmasked. The session
// is now given the secret from its login on (engine/url-secrets.ts, session-secrets.ts): every step on it is
// withheld, on PostgreSQL and MariaDB, and every line that names the target masks the secret parts by flow.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMariadb, startPostgres, type LabEngine, type LabServer } from '../../src/lab/index.js';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';
import { adminQuery } from '../db/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { taintFor, withTaint } from '../../src/secrets/taint.js';
import { maskAddress, urlLoginSecrets } from '../../src/engine/url-secrets.js';

const USER = 'hunter2secret';
const DATABASE = 'vault7tally';
const PASSWORD = 'login-pw-1';

/** What the server hands back of a name, in the forms the probe reads it. */
const forms = (s: string): string[] => [s, s.toUpperCase(), [...s].reverse().join(''), s.replace(/[aeiou]/g, (c) => c.toUpperCase())];

function runbook(server: LabServer): string {
  const scheme = server.engine === 'postgres' ? 'postgres' : 'mysql';
  const at = `127.0.0.1:${server.port}`;
  const pg = server.engine === 'postgres';
  const peekUser = pg
    ? "SELECT upper(current_user) AS a, reverse(session_user) AS b, current_user AS c, translate(current_user, 'aeiou', 'AEIOU') AS d"
    : "SELECT UPPER(CURRENT_USER()) AS a, REVERSE(USER()) AS b, CURRENT_USER() AS c, (SELECT USER FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()) AS d";
  const peekDb = pg
    ? "SELECT upper(current_database()) AS a, reverse(current_database()) AS b, (SELECT datname FROM pg_stat_activity WHERE pid = pg_backend_pid()) AS c"
    : 'SELECT UPPER(DATABASE()) AS a, REVERSE(SCHEMA()) AS b, (SELECT DB FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()) AS c';
  return `name: s2
title: secret as connection user
inputs:
  tok: { secret: true, required: true }
  dbname: { secret: true, required: true }
connections:
  db: { url: "${scheme}://\${{ inputs.tok }}:${PASSWORD}@${at}/${server.database}" }
  vault: { url: "${scheme}://${encodeURIComponent(server.appUser)}:${encodeURIComponent(server.appPassword)}@${at}/\${{ inputs.dbname }}" }
steps:
  - id: peek
    sql: { connection: db, query: "${peekUser}" }
    capture: peek
  - id: touch
    title: A gated step on the same connection
    destructive: true
    sql: { connection: db, query: "SELECT 1 AS one" }
  - id: peekdb
    sql: { connection: vault, query: "${peekDb}" }
    capture: peekdb
  - id: done
    end: resolved
    message: "got \${{ peek.rows[0].a }} \${{ peek.rows[0].d }} \${{ peekdb.rows[0].a }}"
`;
}

async function setUp(server: LabServer): Promise<void> {
  if (server.engine === 'postgres') {
    await adminQuery(server, `CREATE ROLE ${USER} LOGIN PASSWORD '${PASSWORD}'`);
    await adminQuery(server, `CREATE DATABASE ${DATABASE} OWNER ${server.appUser}`);
  } else {
    await adminQuery(server, `CREATE USER '${USER}'@'%' IDENTIFIED BY '${PASSWORD}'`);
    await adminQuery(server, `GRANT SELECT ON ${server.database}.* TO '${USER}'@'%'`);
    await adminQuery(server, `CREATE DATABASE ${DATABASE}`);
    await adminQuery(server, `GRANT ALL ON ${DATABASE}.* TO '${server.appUser}'@'%'`);
  }
}

type Line = { type: string; stepId?: string; connection?: string; target?: Record<string, unknown>; connections?: Record<string, Record<string, unknown>>; result?: { withheld?: { because?: string[] } } };

describe('a secret in a connection URL\'s user or database', () => {
  const servers: Partial<Record<LabEngine, LabServer>> = {};
  before(async () => {
    [servers.postgres, servers.mariadb] = await Promise.all([startPostgres({ postgresVersion: 'system' }), startMariadb()]);
    await Promise.all(Object.values(servers).map(setUp));
  });
  after(async () => { await Promise.all(Object.values(servers).map((s) => s.stop())); });

  for (const engine of ['postgres', 'mariadb'] as const) {
    it(`on ${engine}: the session is given it at login; no form of it is shown or recorded, the target masks it`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const server = servers[engine]!;
      const dir = scratch(t);
      const file = writeRunbook(dir, 's2', runbook(server));
      const validated = await cli(['validate', file], { cwd: dir });
      assert.equal(validated.code, 0, validated.stdout + validated.stderr);
      const transcript = join(dir, 't.jsonl');
      const r = await cli(['run', file, '--plain', '--yes', '--transcript', transcript, '--input', `tok=${USER}`, '--input', `dbname=${DATABASE}`], { cwd: dir });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const recorded = readFileSync(transcript, 'utf8');
      const shown: [string, string][] = [['the screen', r.stdout + r.stderr], ['the transcript', recorded]];
      for (const [name, args] of [['report', ['report', transcript]], ['report --format json', ['report', transcript, '--format', 'json']], ['replay', ['replay', transcript, '--speed', '0']]] as const) {
        const out = await cli([...args], { cwd: dir });
        assert.equal(out.code, 0, `${name}: ${out.stderr}`);
        shown.push([name, out.stdout + out.stderr]);
      }
      for (const [where, text] of shown) {
        for (const form of [...forms(USER), ...forms(DATABASE)]) assert.ok(!text.includes(form), `${form} in ${where}`);
      }

      const lines = recorded.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
      // Each step on a session whose login carried the secret is withheld, saying so (a read too: no rollback
      // undoes a login).
      const because = (id: string) => JSON.stringify(lines.find((l) => l.type === 'step-finished' && l.stepId === id)?.result?.withheld?.because);
      assert.match(because('peek'), /the session of connection db, given \$\{\{ inputs\.tok \}\} as its user at login/);
      assert.match(because('touch'), /the session of connection db, given \$\{\{ inputs\.tok \}\} as its user at login/);
      assert.match(because('peekdb'), /the session of connection vault, given \$\{\{ inputs\.dbname \}\} as its database at login/);
      // The target as recorded (resume compares it) and as the gate showed it: the secret parts masked.
      const identified = Object.fromEntries(lines.filter((l) => l.type === 'target-identified').map((l) => [l.connection, l.target]));
      assert.equal(identified.db?.user, '****', JSON.stringify(identified));
      assert.equal(identified.vault?.database, '****', JSON.stringify(identified));
      assert.equal(identified.vault?.user, server.appUser);
      const addresses = lines.find((l) => l.type === 'connection-addresses')?.connections;
      assert.equal(addresses?.db?.user, '****', JSON.stringify(addresses));
      assert.equal(addresses?.vault?.database, '****', JSON.stringify(addresses));
      const gate = lines.find((l) => l.type === 'confirmation-requested' && l.stepId === 'touch') as Line & { target?: string };
      assert.match(gate.target ?? '', /:\/\/\*\*\*\*:\*\*\*\*@127\.0\.0\.1:/);
    });
  }
});

describe('which parts of a URL carry a secret, by flow (url-secrets.ts)', () => {
  const redactor = new Redactor();
  for (const s of ['hunter2secret', 'postgres://app:s3cretpw@db.internal:5432/app', 'pw-only-secret', '54329']) redactor.addValue(s);
  const scope = withTaint({ inputs: { tok: 'hunter2secret', url: 'postgres://app:s3cretpw@db.internal:5432/app', pw: 'pw-only-secret', port: '54329', plain: 'app' } }, taintFor(redactor));
  const parts = (template: string) => urlLoginSecrets(template, scope)?.parts;

  it('a value from a secret in the user, the database, the host or a query parameter that names one of them', () => {
    assert.deepEqual(parts('postgres://${{ inputs.tok }}@/app_db?host=/tmp'), { user: ['inputs.tok'] });
    assert.deepEqual(parts('mysql://app:pw@127.0.0.1:3306/x_${{ upper(inputs.tok) }}'), { database: ['upper(inputs.tok)'] });
    assert.deepEqual(parts('postgres://app@${{ inputs.tok }}:5432/app'), { host: ['inputs.tok'] });
    assert.deepEqual(parts('postgres://h/app?user=${{ inputs.tok }}'), { user: ['inputs.tok'] });
    assert.equal(urlLoginSecrets('postgres://${{ inputs.tok }}@/app_db?host=/tmp', scope)?.given, '${{ inputs.tok }} as its user');
  });

  it('a port from a secret, or a secret that moves the URL\'s boundaries, counts for every part', () => {
    assert.deepEqual(Object.keys(parts('postgres://app@h:${{ inputs.port }}/app') ?? {}).sort(), ['database', 'host', 'port', 'user']);
    // The secret holds a ':' and moves the port: read with a marker in its place, the URL has another port.
    const r = new Redactor(); r.addValue('db.internal:5433');
    const scoped = withTaint({ inputs: { tok: 'db.internal:5433' } }, taintFor(r));
    assert.deepEqual(Object.keys(urlLoginSecrets('postgres://app@${{ inputs.tok }}/app', scoped)?.parts ?? {}).sort(), ['host', 'port']);
  });

  it('not the password, not a value that is no secret, not a secret URL given whole (its secret is its password)', () => {
    assert.equal(parts('postgres://app:${{ inputs.pw }}@h/app'), undefined);
    assert.equal(parts('postgres://${{ inputs.plain }}:pw@h/app'), undefined);
    assert.equal(parts('${{ inputs.url }}'), undefined);
    assert.equal(parts("${{ default(inputs.nothing, inputs.url) }}"), undefined);
    // Computed from a secret, a whole URL is not one given whole: each part of it may be the secret.
    assert.ok(parts("${{ 'postgres://' + inputs.tok + '@h/app' }}")?.user);
  });

  it('the address as recorded and shown: those parts masked', () => {
    const login = urlLoginSecrets('postgres://${{ inputs.tok }}:pw@h:5432/app', scope);
    assert.deepEqual(maskAddress({ engine: 'postgres', host: 'h', port: 5432, database: 'app', user: 'hunter2secret' }, login),
      { engine: 'postgres', host: 'h', port: 5432, database: 'app', user: '****' });
    assert.equal(login?.shown, 'postgres://****:pw@h:5432/app');
  });
});
