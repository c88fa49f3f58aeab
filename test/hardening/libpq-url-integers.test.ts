// libpq's integer connection options and %00, which runbook's URL reader took as inert (src/db/libpq-integers.ts,
// url.ts): `?connect_timeout=2s`, `keepalives=x`, `application_name=a%00b` fail the application's libpq, and a run
// ended "resolved" (a probe of stop 72). psql against a lab server is the oracle: for generated values of each option
// (fixed seed), runbook accepts the URL exactly when psql connects with it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { labServerInfo, startPostgres, type LabServer } from '../../src/lab/index.js';
import { parseUrl } from '../../src/db/url.js';
import { withEnvCredentials } from '../../src/db/url-env.js';
import { rng } from '../helpers/rng.js';
import { cli, finished, scratch, transcriptLines } from './helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const exec = promisify(execFile);
type Env = Record<string, string>;

const OPTIONS = ['connect_timeout', 'keepalives', 'keepalives_idle', 'keepalives_interval', 'keepalives_count', 'tcp_user_timeout'];
const EDGES = ['0', '1', '127', '128', '32767', '32768', '2147483647', '2147483648', '-2147483648', '-2147483649', '99999999999999999999'];

/** Integers and near-integers as a config file might hold them: signs, spaces (C's and others), units, hex, junk. */
function values(seed: number, n: number): string[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const space = (): string => (r() < 0.7 ? '' : pick([' ', '  ', '\t', '\n', '\v', '\f', '\r', '\u00a0']));
  const out = ['', '2s', 'abc', 'x', '0x5', '5.0', '+', '-', ' '];
  while (out.length < n) {
    const number = r() < 0.4 ? pick(EDGES) : String(Math.floor(r() * 10 ** Math.floor(r() * 6)));
    const sign = r() < 0.7 ? '' : pick(['+', '-', '--', '+-']);
    const tail = r() < 0.8 ? '' : pick(['s', 'ms', 'x', '.5', 'e3']);
    out.push(`${space()}${sign}${pick(['', '', '0', '00'])}${number}${tail}${space()}`);
  }
  return out;
}

/** The test runner's environment without PG* variables. */
function baseEnv(extra: Env): Env {
  const env: Env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PG') && k !== 'DATABASE_URL' && v !== undefined) env[k] = v;
  return { ...env, NO_COLOR: '1', ...extra };
}

async function psqlConnects(url: string, env: Env): Promise<boolean> {
  try {
    await exec('psql', ['-X', '-At', '-c', 'SELECT 1', url], { env: baseEnv(env), timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

function runbookAccepts(url: string, env: Env): boolean {
  try { withEnvCredentials(parseUrl(url), baseEnv(env)); return true; } catch { return false; }
}

/** Runs `check` over `items`, eight at a time (each a psql login). */
async function inBatches<T>(items: T[], check: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += 8) await Promise.all(items.slice(i, i + 8).map(check));
}

describe("libpq's integer options and %00: runbook accepts a URL exactly when libpq does", { concurrency: true }, () => {
  let server: LabServer;
  let base: string; // the lab's URL, credentials percent-encoded, no query

  before(async () => {
    server = await startPostgres({ postgresVersion: 'system', tls: 'off' });
    base = `postgresql://${server.appUser}:${encodeURIComponent(server.appPassword)}@127.0.0.1:${server.port}/${server.database}`;
  });
  after(async () => { await server?.stop(); });

  test('generated values of each integer option (fixed seed), over TCP: the same answer as psql', { timeout: E2E_TEST_LIMIT_MS }, async () => {
    const cases = OPTIONS.flatMap((key, i) => values(72 + i, 40).map((value) => `${key}=${encodeURIComponent(value)}`));
    // keepalives=0 turns the other TCP options off in libpq: their values are never read.
    cases.push('keepalives=0&keepalives_idle=abc', 'keepalives=0&tcp_user_timeout=x', 'keepalives=%200%20&keepalives_count=0', 'keepalives=1&keepalives_idle=0');
    const differ: string[] = [];
    let accepted = 0;
    await inBatches(cases, async (query) => {
      const url = `${base}?${query}`;
      const libpq = await psqlConnects(url, {});
      if (libpq) accepted++;
      if (runbookAccepts(url, {}) !== libpq) differ.push(`${query}: libpq ${libpq ? 'connects' : 'refuses'}`);
    });
    assert.deepEqual(differ, []);
    assert.ok(accepted > cases.length / 5 && accepted < cases.length * 4 / 5, `both answers are exercised (${accepted} of ${cases.length} accepted)`);
  });

  test('PGCONNECT_TIMEOUT (empty too) as libpq reads it, the URL parameter before it; over a Unix socket only connect_timeout is read', { timeout: E2E_TEST_LIMIT_MS }, async () => {
    const socketUrl = `postgresql://${server.appUser}@${encodeURIComponent(labServerInfo(server)!.dir)}:${server.port}/${server.database}`;
    const cases: [string, Env][] = [
      [base, { PGCONNECT_TIMEOUT: '' }], [base, { PGCONNECT_TIMEOUT: 'abc' }], [base, { PGCONNECT_TIMEOUT: ' 7 ' }],
      [`${base}?connect_timeout=5`, { PGCONNECT_TIMEOUT: 'abc' }],
      ...['keepalives=x', 'keepalives_idle=abc', 'keepalives_count=0', 'tcp_user_timeout=x', 'connect_timeout=x', 'connect_timeout=3'].map((q): [string, Env] => [`${socketUrl}?${q}`, {}]),
    ];
    for (const [url, env] of cases) assert.equal(runbookAccepts(url, env), await psqlConnects(url, env), `${url.replace(base, '<lab>')} ${JSON.stringify(env)}`);
  });

  test('%00 anywhere in the URL is refused, as libpq refuses it; %2500 (a literal "%00") is not', { timeout: E2E_TEST_LIMIT_MS }, async () => {
    const pw = encodeURIComponent(server.appPassword);
    const at = `127.0.0.1:${server.port}`;
    const refused = [`${base}?application_name=a%00b`, `${base}?fallback_application_name=a%00b`, `${base}?application_name=%00`,
      `postgresql://${server.appUser}%00:${pw}@${at}/${server.database}`, `postgresql://${server.appUser}:${pw}%00@${at}/${server.database}`,
      `postgresql://${server.appUser}:${pw}@${at}/${server.database}%00`, `${base}?connect_timeout=5%00`];
    for (const url of [...refused, `${base}?application_name=a%2500b`]) {
      const libpq = await psqlConnects(url, {});
      const shown = url.replace(pw, '****');
      assert.equal(libpq, !refused.includes(url), shown);
      assert.equal(runbookAccepts(url, {}), libpq, shown);
    }
  });

  test('refused runbook: connect_timeout=2s and application_name=a%00b end unresolved, naming the problem, as psql fails', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const dir = scratch(t);
    for (const [query, says] of [['connect_timeout=2s', /'connect_timeout' is not an integer as libpq reads it/], ['application_name=a%00b', /%00 \(a NUL byte\)/]] as const) {
      const url = `${base}?${query}`;
      assert.equal(await psqlConnects(url, {}), false, 'psql connects');
      const transcript = join(dir, `${query.split('=')[0]!}.jsonl`);
      const r = await cli(['run', 'refused', '--plain', '--transcript', transcript, '--input', `url=${url}`], { env: baseEnv({ HOME: dir }) });
      assert.notEqual(finished(transcriptLines(transcript))?.outcome, 'resolved', r.stdout);
      assert.match(r.stdout, says, r.stdout);
      assert.doesNotMatch(r.stdout + r.stderr, new RegExp(server.appPassword.replace(/[^A-Za-z0-9]/g, '.')), 'the password is not shown');
    }
  });
});
