// A secret handed to a connection's session stays there: a probe of stop 67 stored a secret input in the session
// with a gated step (`set_config('app.tok', $1, false)`, `SET @tok = ?`) and read it back with a proven read
// (`upper(...)`, substrings), and the screen, the end message and the transcript showed `HUNTER2SECRET`,
// `Hunter2`, on PostgreSQL and MariaDB. The session is now given the secret too: later steps on the connection
// are steps given a secret, their results withheld, saying which step gave it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMariadb, startPostgres, type LabEngine, type LabServer } from '../../src/lab/index.js';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const SECRET = 'Hunter2Secret';

const RUNBOOK = `name: stash
title: A secret left in the session
inputs:
  url: { secret: true, required: true }
  token: { secret: true, required: true }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: stash
    title: Tag the session with the ticket token
    destructive: true
    sql:
      query:
        postgres: SELECT set_config('app.tok', $1, false) IS NOT NULL AS tagged
        mysql: SET @tok = ?
      params: ["\${{ inputs.token }}"]
  - id: look
    title: Look
    sql:
      query:
        postgres: SELECT upper(current_setting('app.tok')) AS b, substr(current_setting('app.tok'), 1, 7) AS c, substr(current_setting('app.tok'), 8) AS d
        mysql: SELECT UPPER(@tok) AS b, SUBSTR(@tok, 1, 7) AS c, SUBSTR(@tok, 8) AS d
    capture: q
  - id: e
    end: resolved
    message: "seen \${{ q.rows[0].c }}"
`;

describe('a secret a step hands to its session', () => {
  const servers: Partial<Record<LabEngine, LabServer>> = {};
  before(async () => { [servers.postgres, servers.mariadb] = await Promise.all([startPostgres(), startMariadb()]); });
  after(async () => { await Promise.all(Object.values(servers).map((s) => s.stop())); });

  for (const engine of ['postgres', 'mariadb'] as const) {
    it(`on ${engine}: a later read on the connection is withheld, naming the step that gave it; no form of it is shown or recorded`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const dir = scratch(t);
      const file = writeRunbook(dir, 'stash', RUNBOOK);
      const transcript = join(dir, 't.jsonl');
      const r = await cli(['run', file, '--plain', '--yes', '--transcript', transcript, '--input', `url=${servers[engine]!.url()}`, '--input', `token=${SECRET}`], { cwd: dir });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const recorded = readFileSync(transcript, 'utf8');
      for (const form of [SECRET, SECRET.toUpperCase(), SECRET.slice(0, 7), SECRET.slice(7)]) {
        assert.ok(!r.stdout.includes(form) && !r.stderr.includes(form), `${form} on the screen`);
        assert.ok(!recorded.includes(form), `${form} in the transcript`);
      }
      const look = recorded.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; stepId?: string; result?: { withheld?: unknown } })
        .find((l) => l.type === 'step-finished' && l.stepId === 'look');
      assert.match(JSON.stringify(look?.result?.withheld), /the session of connection db, given param 1 .* by step stash/);
    });
  }
});
