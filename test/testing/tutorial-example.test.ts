// The tutorial's runbook (runbooks/examples/pg-disk-full.yaml) does what docs/tutorial.md says: it validates
// cleanly, its cases pass with full coverage, and it dry-runs through the real CLI against a real PostgreSQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { readRunbook } from '../../src/language/runbook.js';
import { cli, ROOT } from '../helpers/cli.js';
import { tempDir } from './helpers.js';

const RUNBOOK = join(ROOT, 'runbooks/examples/pg-disk-full.yaml');

test('the tutorial runbook validates without errors or warnings', () => {
  const r = cli(['validate', RUNBOOK]);
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, /1 runbook checked: 0 errors, 0 warnings/);
});

test('its cases pass and take every route', () => {
  const r = cli(['test', RUNBOOK, '--require-full-coverage']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /coverage: (\d+)\/\1 routes \(100%\)/);
  assert.doesNotMatch(r.stdout, /FAIL/);
});

test('the tutorial shows the runbook as it is in runbooks/examples/', () => {
  const tutorial = readFileSync(join(ROOT, 'docs/tutorial.md'), 'utf8');
  const runbook = readFileSync(RUNBOOK, 'utf8');
  // Every step id of the runbook appears in the tutorial, so the walk-through cannot silently fall behind.
  const { runbook: parsed } = readRunbook(RUNBOOK);
  for (const step of parsed!.doc.steps) assert.ok(tutorial.includes(`id: ${step.id}`), `docs/tutorial.md lacks step '${step.id}'`);
  assert.ok(runbook.includes('name: pg-disk-full'));
});

let server: LabServer | undefined;
before(async () => { server = await startPostgres(); });
after(() => server?.stop());

test('dry run through the CLI against PostgreSQL: read-only SQL runs for real, the operator answers on stdin', () => {
  // data_dir must exist inside the dry-run sandbox, which hides /tmp (and /run): with pipefail a df of a missing
  // directory fails the step. Not the checkout: a clean clone for CI often sits under /tmp.
  const r = cli(['run', RUNBOOK, '--dry-run', '--plain', '--no-transcript',
    '--input', `url=${server!.adminUrl()}`, '--input', 'data_dir=/usr', '--input', 'threshold=0'],
  { input: 'nothing-to-free\n', cwd: tempDir() });
  assert.equal(r.code, 1, `escalate exits 1\n${r.stdout}${r.stderr}`);
  for (const step of ['disk', 'connect', 'wal', 'biggest-tables', 'cleanup']) assert.match(r.stdout, new RegExp(`^ok\\s+${step} `, 'm'), r.stdout);
  assert.match(r.stdout, /finished escalate .*Grow the volume/);
  assert.doesNotMatch(r.stdout, new RegExp(server!.superPassword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'the password never shows');
});

test('every SQL statement of the runbook is valid on PostgreSQL (the destructive one fails only for want of a slot)', async () => {
  const doc = readRunbook(RUNBOOK).runbook!.doc;
  const client = new pg.Client({ connectionString: server!.adminUrl() });
  await client.connect();
  try {
    for (const step of doc.steps.filter((s) => s.sql)) {
      const query = step.sql!.query as string;
      const params = (step.sql!.params ?? []).map(() => 'no_such_slot');
      await client.query('BEGIN');
      try {
        await client.query(query, params);
        assert.ok(!step.destructive, `${step.id} should have failed on a missing slot`);
      } catch (e) {
        assert.ok(step.destructive, `${step.id}: ${(e as Error).message}`);
        // The statement parsed and the function exists: no such slot (42704), or the lab's wal_level=minimal
        // allows no slots at all (55000). A typo would be 42601 / 42883.
        assert.ok(['42704', '55000'].includes((e as { code?: string }).code ?? ''), `${step.id}: ${(e as Error).message}`);
      } finally {
        await client.query('ROLLBACK');
      }
    }
  } finally {
    await client.end();
  }
});
