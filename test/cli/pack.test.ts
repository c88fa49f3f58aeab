// The package is installed from a checkout or a tarball (docs/tutorial.md), never from the registry: the
// tarball `npm pack` writes must hold everything an installed `runbook` runs from (the launcher, the bundle, the
// fast path's files, the built-in runbooks). `npm pack --dry-run` lists it without writing anything; its
// prepare script (the bundle) is skipped here (--ignore-scripts) because the suite builds dist/ first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

const built = existsSync(join(ROOT, 'dist', 'runbook.mjs'));

test('npm pack includes what an installed runbook runs from', { skip: !built && 'dist/ is not built' }, () => {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const [pack] = JSON.parse(r.stdout) as { name: string; files: { path: string }[] }[];
  assert.equal(pack!.name, 'runbook');
  const files = new Set(pack!.files.map((f) => f.path));
  for (const need of ['package.json', 'bin/runbook.js', 'bin/package.json', 'dist/runbook.mjs', 'dist/fast.cjs', 'dist/prevalidated.json', 'dist/build-id',
    'dist/fast.cjs.cache', 'dist/validator.cjs', 'dist/validator.cjs.cache', 'dist/run.cjs', 'dist/run.cjs.cache', 'dist/run.cjs.shell.cache', 'dist/mysql2.cjs', 'dist/mysql2.cjs.cache', 'dist/sql-verdicts.json',
    'bin/train-code-cache.js',
    'runbooks/refused.yaml', 'runbooks/timeout.yaml', 'runbooks/auth.yaml', 'runbooks/pool-exhausted.yaml']) {
    assert.ok(files.has(need), `${need} is not in the tarball`);
  }
  // Every chunk the bundle imports is there too (a missing chunk fails only at run time).
  const chunks = [...files].filter((f) => f.startsWith('dist/') && f.endsWith('.mjs'));
  assert.ok(chunks.length > 1);
  assert.ok(![...files].some((f) => f.startsWith('node_modules/') || f.startsWith('test/')), 'tests or node_modules packed');
});
