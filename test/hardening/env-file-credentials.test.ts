// `--env-file` values for PGPASSWORD / PGUSER / MYSQL_PWD are used to connect (SQL steps, db-connect probes,
// called runbooks), not only to mask: a URL without a password logs in with the env file's, on real servers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { cli, finished, scratch, transcriptLines, writeRunbook } from './helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { NOT_CHECKED } from '../../src/engine/application-check.js';

const RUNBOOK = `name: creds
title: Credentials from the environment
inputs:
  url: { required: true, type: url }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: probe
    probe: db-connect
    with: { connection: db }
    on: { ok: query, error: refused }
  - id: query
    sql: { query: "SELECT 1 AS one" }
    on: { ok: done, error: refused }
  - id: done
    end: resolved
    message: "logged in as \${{ steps.probe.details.user }}, got \${{ steps.query.rows[0].one }}"
  - id: refused
    end: escalate
    message: "\${{ steps.probe.classification }} \${{ steps.query.classification }}"
`;

/** The child's environment without any database credentials of the test runner's own. */
const CLEAN = { PGPASSWORD: '', PGUSER: '', MYSQL_PWD: '', PGDATABASE: '' };

function withoutPassword(url: string, dropUser = false): string {
  const u = new URL(url);
  u.password = '';
  if (dropUser) u.username = '';
  return u.toString();
}

describe('--env-file credentials are used to connect', { concurrency: true }, () => {
  const servers: Partial<Record<'postgres' | 'mariadb', LabServer>> = {};
  before(async () => { [servers.postgres, servers.mariadb] = await Promise.all([startPostgres(), startMariadb()]); });
  after(() => Promise.all(Object.values(servers).map((s) => s.stop())));

  for (const engine of ['postgres', 'mariadb'] as const) {
    test(`${engine}: a URL without a password logs in with the env file's ${engine === 'postgres' ? 'PGPASSWORD' : 'MYSQL_PWD'}`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const server = servers[engine]!;
      const dir = scratch(t);
      const runbook = writeRunbook(dir, 'creds', RUNBOOK);
      const url = withoutPassword(server.url());
      const envFile = join(dir, 'env');
      writeFileSync(envFile, engine === 'postgres' ? `PGPASSWORD=${server.appPassword}\n` : `MYSQL_PWD='${server.appPassword}'\n`);

      const transcript = join(dir, 'with.jsonl');
      const ok = await cli(['run', runbook, '--plain', '--transcript', transcript, '-i', `url=${url}`, '--env-file', envFile], { env: CLEAN });
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.equal(finished(transcriptLines(transcript))?.message, `logged in as ${server.appUser}, got 1 ${NOT_CHECKED}`);
      assert.ok(!readFileSync(transcript, 'utf8').includes(server.appPassword), 'the password is masked in the transcript');

      // Without the env file the same URL is refused: the password really came from it.
      const without = join(dir, 'without.jsonl');
      const refused = await cli(['run', runbook, '--plain', '--transcript', without, '-i', `url=${url}`], { env: CLEAN });
      assert.equal(refused.code, 1, refused.stdout + refused.stderr);
      assert.equal(finished(transcriptLines(without))?.outcome, 'escalate');
    });
  }

  test('postgres: PGUSER and PGPASSWORD from the env file complete a URL without user or password', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const server = servers.postgres!;
    const dir = scratch(t);
    const envFile = join(dir, 'env');
    writeFileSync(envFile, `PGUSER=${server.appUser}\nexport PGPASSWORD="${server.appPassword}"\n`);
    const transcript = join(dir, 't.jsonl');
    const r = await cli(['run', writeRunbook(dir, 'creds', RUNBOOK), '--plain', '--transcript', transcript, '-i', `url=${withoutPassword(server.url(), true)}`, '--env-file', envFile], { env: CLEAN });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(finished(transcriptLines(transcript))?.message, `logged in as ${server.appUser}, got 1 ${NOT_CHECKED}`);
  });
});
