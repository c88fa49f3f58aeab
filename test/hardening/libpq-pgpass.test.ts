// The password file read as libpq reads it (a probe of stop 68): pg's own reader (the pgpass module) took a port
// `0x8045` for 32837 and a password on past an unescaped ':', where libpq stops, so the refused, auth and ssl
// built-ins ended "resolved" on a login psql, with the same file, could not make. The engine now reads the file
// itself (src/db/pgpass.ts). psql is the oracle: for generated password files (fixed seed) of the spellings the two
// readers could part on, the engine logs in exactly when psql does.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSession } from '../../src/db/open.js';
import { parseUrl } from '../../src/db/url.js';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { rng } from '../helpers/rng.js';

const escaped = (s: string) => s.replace(/\\/g, '\\\\').replace(/:/g, '\\:');

describe('~/.pgpass: the engine logs in exactly when psql does', () => {
  let server: LabServer;
  let dir: string;
  before(async () => {
    server = await startPostgres({ postgresVersion: 'system' });
    dir = mkdtempSync(join(tmpdir(), 'runbook-pgpass-'));
  });
  after(async () => { await server?.stop(); rmSync(dir, { recursive: true, force: true }); });

  it('200 generated password files (seed 6803)', async () => {
    const pw = server.appPassword;
    assert.match(pw, /:/, 'the lab password holds a colon: escaped or not is where the readers parted');
    const random = rng(6803);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const port = String(server.port);
    const fields = {
      host: ['127.0.0.1', '*', 'localhost', '127.0.0.01', '127.0.0.1 '],
      port: [port, '*', `0x${server.port.toString(16)}`, `0${port}`, `${port} `, `+${port}`],
      database: [server.database, '*', server.database.toUpperCase()],
      user: [server.appUser, '*'],
      password: [escaped(pw), pw, `${escaped(pw)}:extra`, `${escaped(pw)}\\`, escaped(`${pw}x`)],
    };
    const url = `postgresql://${server.appUser}@127.0.0.1:${port}/${server.database}`;
    const file = join(dir, 'pgpass');
    const saved = process.env.PGPASSFILE;
    let agreed = 0, both = 0;
    try {
      process.env.PGPASSFILE = file;
      for (let n = 0; n < 200; n++) {
        const lines = Array.from({ length: 1 + Math.floor(random() * 2) }, () =>
          [pick(fields.host), pick(fields.port), pick(fields.database), pick(fields.user), pick(fields.password)].join(':'));
        writeFileSync(file, `${lines.join('\n')}\n`);
        chmodSync(file, 0o600);
        const psql = spawnSync('psql', [url, '-XAtc', 'select 1'], { encoding: 'utf8', env: { PATH: process.env.PATH, PGPASSFILE: file, PGCONNECT_TIMEOUT: '10' }, timeout: 20_000 });
        const engine = await openSession(parseUrl(url), { timeoutMs: 10_000, signal: AbortSignal.timeout(15_000), env: { PGPASSFILE: file } })
          .then(async (s) => { await s.close(); return true; }, () => false);
        assert.equal(engine, psql.status === 0, `${lines.join('\n')}\npsql: ${psql.stderr.trim()}`);
        agreed++;
        if (engine) both++;
      }
    } finally {
      if (saved === undefined) delete process.env.PGPASSFILE; else process.env.PGPASSFILE = saved;
    }
    assert.equal(agreed, 200);
    assert.ok(both > 10 && both < 190, `some logged in and some did not: ${both} of 200`);
  });
});
