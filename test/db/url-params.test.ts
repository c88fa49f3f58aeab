// A connection URL's parameters are an allowlist (src/db/url-params.ts): read as the application's driver reads
// them, or known to change neither the server reached, the login nor how SQL is read, or the URL is refused
// naming the parameter. The unknown ones are generated, on every engine; the CLI refuses before anything runs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseUrl, UrlError } from '../../src/db/url.js';
import { connectionFromEnv } from '../../src/db/url-env.js';
import { INERT, READ } from '../../src/db/url-params.js';
import { cli } from '../helpers/cli.js';

const SCHEMES = { postgres: 'postgres', mysql: 'mysql', mariadb: 'mariadb' } as const;
const url = (scheme: string, query: string) => `${scheme}://app:S3cret-pw@db.internal:5433/app?${query}`;
const known = (engine: keyof typeof SCHEMES) => new Set([...READ, ...INERT.any, ...INERT[engine], 'charset']);

describe('URL parameters: an allowlist', () => {
  it('a parameter runbook neither reads nor knows to be harmless is refused, named, without the password (generated)', () => {
    for (const engine of Object.keys(SCHEMES) as (keyof typeof SCHEMES)[]) {
      fc.assert(fc.property(fc.stringMatching(/^[A-Za-z0-9_.-]{1,24}$/), fc.string({ maxLength: 12 }), (key, value) => {
        fc.pre(!known(engine).has(key));
        assert.throws(() => parseUrl(url(SCHEMES[engine], `${key}=${encodeURIComponent(value)}`)), (e: unknown) => {
          assert.ok(e instanceof UrlError);
          assert.match(e.message, new RegExp(`the URL parameter '${key.replace(/[.]/g, '\\.')}' is not one runbook reads`));
          assert.doesNotMatch(e.message, /S3cret-pw/);
          return true;
        });
      }), { numRuns: 300 });
    }
  });

  it("libpq's parameters that pick another server, login or session reading are among the refused", () => {
    for (const p of ['hostaddr=127.0.0.2', 'service=prod', 'passfile=/tmp/p', 'options=-c%20search_path%3Devil',
      'target_session_attrs=read-write', 'load_balance_hosts=random', 'requirepeer=postgres', 'gssencmode=require',
      'channel_binding=require', 'krbsrvname=x', 'sslaccept=accept_invalid_certs', 'schema=app',
      // Names on Object.prototype (the generated case found __proto__ vanishing when assigned).
      '__proto__=', 'constructor=x', 'toString=x', 'hasOwnProperty=x']) {
      assert.throws(() => parseUrl(url('postgres', p)), UrlError, p);
    }
  });

  it('every parameter read or known harmless is accepted, on every engine; after a read one too', () => {
    for (const engine of Object.keys(SCHEMES) as (keyof typeof SCHEMES)[]) {
      for (const key of [...INERT.any, ...INERT[engine]]) {
        assert.equal(parseUrl(url(SCHEMES[engine], `sslmode=disable&${key}=5`)).params[key], '5', `${engine} ${key}`);
      }
      for (const key of ['host', 'port', 'dbname', 'database', 'sslmode', 'ssl-mode', 'application_name']) {
        const value = key === 'port' ? '6543' : key.startsWith('ssl') ? 'disable' : 'x';
        // A part the URL gives already may not come again as a parameter (url.ts twiceGiven): asked of a URL without it.
        assert.doesNotThrow(() => parseUrl(`${SCHEMES[engine]}://app:S3cret-pw@/?${key}=${value}${key === 'host' ? '' : '&host=db.internal'}`), `${engine} ${key}`);
      }
    }
  });

  it('a character set is accepted only where runbook reads the statement the same way: UTF-8, MySQL and MariaDB', () => {
    for (const scheme of ['mysql', 'mariadb']) {
      for (const ok of ['utf8mb4', 'UTF8MB4', 'utf8', 'utf8mb3']) assert.equal(parseUrl(url(scheme, `charset=${ok}`)).params.charset, ok);
      for (const bad of ['gbk', 'sjis', 'big5', 'latin1', 'utf16']) assert.throws(() => parseUrl(url(scheme, `charset=${bad}`)), UrlError, bad);
    }
    assert.throws(() => parseUrl(url('postgres', 'charset=utf8')), UrlError);
  });

  it('run (real and dry) fails its first connect naming the parameter, connects nowhere and escalates; diagnose stops at config (both engines)', () => {
    for (const [scheme, param] of [['postgres', 'hostaddr=127.0.0.2'], ['mysql', 'localAddress=127.0.0.3']] as const) {
      const key = param.split('=')[0]!;
      const bad = `${scheme}://app:S3cret-pw@127.0.0.1:1/app?${param}`;
      for (const dry of [[], ['--dry-run']]) {
        const run = cli(['run', 'pool-exhausted', '--plain', '--no-transcript', ...dry, '--input', `url=${bad}`]);
        assert.equal(run.code, 1, run.stdout + run.stderr);
        assert.match(run.stdout, new RegExp(`FAILED\\s+connect \\(\\d+ms, other\\): the URL parameter '${key}' is not one runbook reads`));
        assert.doesNotMatch(run.stdout, /refused|ECONNREFUSED/, 'nothing was connected to');
        assert.match(run.stdout, /finished escalate/);
        assert.equal((run.stdout.match(/^start /gm) ?? []).length, 1, 'only the connect step started');
        assert.doesNotMatch(run.stdout + run.stderr, /S3cret-pw/);
      }
      const diagnose = cli(['diagnose', bad]);
      assert.notEqual(diagnose.code, 0);
      assert.match(diagnose.stdout, new RegExp(`config .*the URL parameter '${key}' is not one runbook reads`));
      assert.match(diagnose.stdout, /tcp\s+not checked/);
    }
  });
  it("libpq's variables that pick another server are refused too when the connection comes from PG* variables", () => {
    for (const name of ['PGHOSTADDR', 'PGSERVICE', 'PGSERVICEFILE', 'PGTARGETSESSIONATTRS']) {
      assert.throws(() => connectionFromEnv({ PGHOST: 'db.internal', PGPASSWORD: 'S3cret-pw', [name]: 'x' }), (e: unknown) =>
        e instanceof UrlError && e.message.startsWith(`${name} is set`) && !e.message.includes('S3cret-pw'));
    }
    assert.equal(connectionFromEnv({ PGHOST: 'db.internal', PGPORT: '6543' })?.info.port, 6543);
    const diagnose = cli(['diagnose'], { env: { DATABASE_URL: '', PGHOST: '127.0.0.1', PGPORT: '1', PGHOSTADDR: '127.0.0.2' } });
    assert.notEqual(diagnose.code, 0);
    assert.match(diagnose.stdout, /config .*PGHOSTADDR is set: runbook does not read it/);
    assert.match(diagnose.stdout, /tcp\s+not checked/);
  });
});
