// A probe of stop 69 (round 3): the refused and ssl built-ins ended "resolved" while psql, given the application's
// own URL, could not log in: a client key others may read (libpq refuses it, Node's TLS does not); a port written
// with a leading zero (libpq compares it with ~/.pgpass as written, the engine as a number); a URL with no host
// (libpq goes to its build's socket directory, the engine went to localhost over TCP). psql is the oracle: for
// every key mode below and port spelling, the engine logs in exactly when psql does, or refuses the URL before
// connecting; a host-less URL is refused with one line saying to write the host.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSession } from '../../src/db/open.js';
import { parseUrl } from '../../src/db/url.js';
import { libpqReading } from '../../src/db/libpq-env.js';
import { startPostgres, type LabServer } from '../../src/lab/index.js';

const psqlLogsIn = (url: string, env: Record<string, string> = {}) =>
  spawnSync('psql', [url, '-wXAtc', 'select 1'], { encoding: 'utf8', env: { PATH: process.env.PATH, PGCONNECT_TIMEOUT: '10', HOME: '/nonexistent', ...env }, timeout: 20_000 });
/** The engine's login with `env` as its whole environment's libpq variables (process.env too: the password file
 *  is read from it, as the CLI's own run does). */
async function engineLogsIn(url: string, env: Record<string, string> = {}): Promise<boolean> {
  const saved = { ...process.env };
  for (const k of Object.keys(process.env)) if (k.startsWith('PG')) delete process.env[k];
  Object.assign(process.env, { HOME: '/nonexistent', ...env });
  try {
    const info = parseUrl(url);
    return await openSession(info, { timeoutMs: 10_000, signal: AbortSignal.timeout(15_000), env: process.env }).then(async (s) => { await s.close(); return true; }, () => false);
  } catch { return false; } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

describe('the application\'s URL and files, as libpq reads them: the engine logs in exactly when psql does', () => {
  let server: LabServer;
  let dir: string;
  before(async () => {
    server = await startPostgres({ postgresVersion: 'system', tls: 'on' });
    dir = mkdtempSync(join(tmpdir(), 'runbook-libpq-files-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'ck.key'), '-out', join(dir, 'ck.crt'), '-subj', '/CN=app', '-days', '2'], { stdio: 'ignore' });
  });
  after(async () => { await server?.stop(); rmSync(dir, { recursive: true, force: true }); });

  it('a client key of every mode 0400–0777 that differs in group and world bits', async () => {
    const url = `${server.url()}${server.url().includes('?') ? '&' : '?'}sslmode=require&sslcert=${join(dir, 'ck.crt')}&sslkey=${join(dir, 'ck.key')}`;
    let refused = 0;
    for (const mode of [0o400, 0o600, 0o604, 0o606, 0o610, 0o620, 0o640, 0o644, 0o660, 0o664, 0o666, 0o700, 0o744, 0o755, 0o777]) {
      chmodSync(join(dir, 'ck.key'), mode);
      const psql = psqlLogsIn(url);
      const engine = await engineLogsIn(url);
      assert.equal(engine, psql.status === 0, `mode ${mode.toString(8)}: psql ${psql.status === 0 ? 'logs in' : `does not: ${psql.stderr.trim()}`}`);
      if (!engine) refused++;
    }
    assert.ok(refused > 5, 'psql refused some of the modes');
  });

  it('ports written with leading zeros, in the URL and in PGPORT, with a password file', async () => {
    const pass = join(dir, 'pgpass');
    const escaped = server.appPassword.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
    writeFileSync(pass, `127.0.0.1:${server.port}:${server.database}:${server.appUser}:${escaped}\n`);
    chmodSync(pass, 0o600);
    for (const written of [String(server.port), `0${server.port}`, `00${server.port}`]) {
      const url = `postgresql://${server.appUser}@127.0.0.1:${written}/${server.database}?sslmode=disable`;
      const psql = psqlLogsIn(url, { PGPASSFILE: pass });
      assert.equal(await engineLogsIn(url, { PGPASSFILE: pass }), psql.status === 0, `port ${written}: psql ${psql.stderr.trim()}`);
      const bare = `postgresql://${server.appUser}@127.0.0.1/${server.database}?sslmode=disable`;
      const viaEnv = psqlLogsIn(bare, { PGPASSFILE: pass, PGPORT: written });
      assert.equal(await engineLogsIn(bare, { PGPASSFILE: pass, PGPORT: written }), viaEnv.status === 0, `PGPORT ${written}: psql ${viaEnv.stderr.trim()}`);
    }
  });

  it('a URL with no host (nor PGHOST) is refused in one line; with PGHOST it is read as libpq reads it', () => {
    const url = `postgresql://${server.appUser}@:${server.port}/${server.database}`;
    assert.throws(() => libpqReading(parseUrl(url), {}), /names no host.*write the host/);
    assert.equal(libpqReading(parseUrl(url), { PGHOST: '127.0.0.1' }).host, '127.0.0.1');
  });
});

// Round 4 of the probe: a part given in the URL and again as a parameter (`…/app_db?dbname=other`,
// `mysql://…@127.0.0.1:1/app_db?port=39783`): libpq takes the parameter, mysql2 the URL's own, and the engine
// logged in where the application did not. Every such pair is refused, on both engines; each alone is read.
describe('a URL that gives a part twice', () => {
  it('is refused, for every part and both engines; each once is read', () => {
    const parts: [string, string, string][] = [
      ['user', 'u', 'user=x'], ['password', 'p', 'password=x'], ['host', 'h', 'host=x'], ['port', '5', 'port=6'],
      ['database', 'd', 'dbname=x'], ['database', 'd', 'database=x'],
    ];
    for (const scheme of ['postgresql', 'mysql']) {
      for (const [part, , param] of parts) {
        const url = `${scheme}://u:p@h:5/d?${param}`;
        assert.throws(() => parseUrl(url), new RegExp(`gives its ${part} twice`), url);
      }
      assert.doesNotThrow(() => parseUrl(`${scheme}://h/?user=u&password=p&port=5${scheme === 'postgresql' ? '&dbname=d' : ''}`));
      assert.doesNotThrow(() => parseUrl(`${scheme}://u:p@h:5/d`));
    }
  });
});
