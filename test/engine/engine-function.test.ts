// Issue #18: engine(<connection>) reads which engine a declared connection's URL names, at run time (URLs are
// templates), without connecting; the validator locates a name that is not a connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NOT_CHECKED } from '../../src/engine/application-check.js';
import { parseRunbook } from '../../src/language/runbook.js';
import { loadRunbookFile, runWithTranscript, scratch } from '../transcript/helpers.js';

const RUNBOOK = `name: engines
title: Engines
inputs:
  url: { secret: true }
  out: {}
connections:
  main: { url: "\${{ inputs.url }}" }
  legacy: { url: "mariadb://app:pw@127.0.0.1:1/app" }
  pg: { url: "postgresql://app@127.0.0.1:1/app" }
steps:
  - id: which
    vars:
      main: engine('main')
      all: "[engine('main'), engine('legacy'), engine('pg')]"
  - id: write
    destructive: false
    safe_because: writes only the test's own marker file
    shell: echo \${{ json(vars.all) }} > \${{ inputs.out }}
    next:
      - if: engine('main') == 'postgres'
        goto: on-postgres
  - id: on-mysql
    end: resolved
    message: mysql
  - id: on-postgres
    end: resolved
    message: postgres
`;

test("engine('<connection>') is postgres or mysql from the URL's scheme, filled in at run time; not a secret", async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'engines.yaml');
  writeFileSync(file, RUNBOOK);
  const runbook = loadRunbookFile(file);
  const out = join(dir, 'out');
  const mysql = await runWithTranscript(runbook, { url: 'mysql://root:topsecret@db:3306/x', out }, join(dir, 'a.jsonl'));
  assert.deepEqual([mysql.outcome, mysql.message], ['resolved', `mysql ${NOT_CHECKED}`]);
  assert.equal(readFileSync(out, 'utf8').trim(), '["mysql","mysql","postgres"]', 'MariaDB reads as mysql, the per-engine SQL key it uses');
  const pg = await runWithTranscript(runbook, { url: 'postgres://app:topsecret@db:5432/x', out }, join(dir, 'b.jsonl'));
  assert.deepEqual([pg.outcome, pg.message], ['resolved', `postgres ${NOT_CHECKED}`]);
  const recorded = readFileSync(join(dir, 'b.jsonl'), 'utf8');
  assert.match(recorded, /"vars":\{"main":"postgres"/, 'the engine name is recorded as it is, not masked with the secret URL');
  assert.ok(!recorded.includes('topsecret'));
});

test('validation: engine() of a name that is not a connection, or not in quotes, is a located error', () => {
  const text = `name: t
title: T
connections:
  main: { url: "postgres://db/app" }
steps:
  - id: a
    if: engine('mian') == 'postgres'
    shell: echo \${{ engine(main) }}
  - id: done
    end: resolved
`;
  const ds = parseRunbook(text, 't.yaml').diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(ds.map((d) => [d.code, d.line, d.col]), [['unknown-connection', 7, 16], ['engine-call', 8, 28]], JSON.stringify(ds));
  assert.match(ds[0]!.message, /unknown connection 'mian' — did you mean 'main'\?/);
  assert.match(ds[1]!.message, /engine\(\) takes one connection name in quotes: engine\('main'\)/);
});
