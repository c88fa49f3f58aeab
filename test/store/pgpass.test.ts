// The store's password from the password file, read by the project (pgpass.ts) and accepted by a real
// PostgreSQL; pg's own reading (and its deprecation warning) never runs; no password is one line naming where
// one is looked for, not pg's SASL message.
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { adminSql } from '../../src/lab/admin-sql.js';
import { connectStore } from '../../src/store/client.js';
import { rejection, scratch, startStoreLab, type StoreLab } from './helpers.js';

let lab: StoreLab | undefined;
before(async () => { lab = await startStoreLab({ migrate: false }); });
after(async () => { await lab?.stop(); });

/** The lab's URL for carol with her password left out. */
const bare = () => lab!.url('carol').replace(/:[^:@/]*@/, '@');
// carol's password holds the characters the file escapes; set by the lab's superuser.
const SECRET = 'a:b\\c:d';
const escaped = SECRET.replace(/[\\:]/g, (c) => `\\${c}`);

function withEnv<T>(env: Record<string, string | undefined>, f: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  return f().finally(() => { for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; } });
}

test('a password file line (escaped, after a non-matching one and a wildcard) logs in, without a warning', async (t) => {
  await adminSql(lab!.server, [`ALTER ROLE carol PASSWORD '${SECRET.replace(/'/g, "''")}'`]);
  const file = join(scratch(t), 'pgpass');
  const port = lab!.server.port;
  writeFileSync(file, `# comment\n127.0.0.1:${port}:ops:bob:wrong\n127.0.0.1:*:ops:carol:${escaped}\n`);
  chmodSync(file, 0o600);
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  try {
    const role = await withEnv({ PGPASSFILE: file, PGPASSWORD: undefined }, async () => {
      const c = await connectStore(bare(), { statementMs: 30_000 });
      try { return c.role; } finally { await c.end(); }
    });
    assert.equal(role, 'carol');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(warnings.filter((w) => /pgpass/i.test(w)), []);
  } finally { process.off('warning', onWarning); }
});

test('no password anywhere is one line naming where one is looked for; a file others can read is named as ignored', async (t) => {
  const file = join(scratch(t), 'pgpass');
  const missing = await withEnv({ PGPASSFILE: file, PGPASSWORD: undefined }, () => rejection(connectStore(bare(), { statementMs: 30_000 })));
  assert.equal(missing.message, `the store asks for a password and none was found: not in the store URL, PGPASSWORD, or ${file}`);
  writeFileSync(file, `*:*:*:carol:${escaped}\n`);
  chmodSync(file, 0o644);
  const open = await withEnv({ PGPASSFILE: file, PGPASSWORD: undefined }, () => rejection(connectStore(bare(), { statementMs: 30_000 })));
  assert.equal(open.message, `the store asks for a password and none was found: not in the store URL, PGPASSWORD, or ${file}; ${file} may be read by others (chmod 0600 it)`);
  assert.doesNotMatch(open.message, /SASL/);
});
