// Hostile values — shell metacharacters, SQL fragments, ${{ }} and $(…) — in inputs, environment variables
// and captured output that later steps interpolate: through the real CLI, real bash and real PostgreSQL /
// MariaDB, nothing in them runs (no marker file, the table survives), every value arrives intact (the run
// compares them and resolves only if they match), and `runbook report` keeps them inside their cells/fences.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { cli, finished, markdownProblems, scratch, transcriptLines, writeRunbook } from './helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const RUNBOOK = `name: injection
title: Hostile values
inputs:
  x: { required: true }
  from_env: { env: RUNBOOK_PAYLOAD, required: true }
  payload_file: { required: true }
  url: { required: true, secret: true, type: url }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: bare
    title: "Echo \${{ inputs.x }}"
    shell: printf '%s\\n' \${{ inputs.x }} "\${{ inputs.x }}" '\${{ inputs.x }}' "\${{ inputs.from_env }}"
    capture: bare
  - id: log
    title: A log line carrying template and shell syntax
    shell: cat \${{ inputs.payload_file }}
    capture: log
  - id: reuse
    destructive: false
    safe_because: prints the values, and reads nothing
    title: Reuse \${{ log.output }}
    shell:
      run: |
        printf '%s\\n' \${{ log.output }}
        printf '%s\\n' "$val"
        cat <<EOF
        \${{ log.output }}
        EOF
      env: { val: "\${{ log.output }}" }
    capture: reuse
  - id: sql
    sql:
      query:
        postgres: "SELECT $1::text AS a, $2::text AS b, (SELECT count(*) FROM victims)::int AS n"
        mysql: "SELECT CAST(? AS CHAR) AS a, CAST(? AS CHAR) AS b, (SELECT count(*) FROM victims) AS n"
      params: ["\${{ inputs.x }}", "\${{ log.output }}"]
    capture: sql
    next:
      - if: >-
          sql.rows[0].a == inputs.x and sql.rows[0].b == log.output and sql.rows[0].n == 1
          and bare.output == inputs.x + '\\n' + inputs.x + '\\n' + inputs.x + '\\n' + inputs.from_env
          and reuse.output == log.output + '\\n' + log.output + '\\n' + log.output
        goto: done
      - goto: changed
  - id: changed
    end: failed
    message: "A value changed on its way: \${{ json(sql.rows[0]) }}"
  - id: done
    end: resolved
    message: "Read back intact: \${{ sql.rows[0].b }}"
`;

describe('injection through the CLI, real bash and real databases', { concurrency: true }, () => {
  const servers: Partial<Record<'postgres' | 'mariadb', LabServer>> = {};
  before(async () => {
    [servers.postgres, servers.mariadb] = await Promise.all([startPostgres(), startMariadb()]);
    // One row in a table the app role can read (and, were SQL ever spliced, drop: app_db is its own).
    for (const s of Object.values(servers)) {
      const table = s.engine === 'postgres' ? 'victims' : 'app_db.victims';
      await adminQuery(s, `CREATE TABLE ${table} (id int)`);
      await adminQuery(s, `INSERT INTO ${table} VALUES (1)`);
      if (s.engine === 'postgres') await adminQuery(s, `ALTER TABLE victims OWNER TO ${s.appUser}`);
    }
  });
  after(() => Promise.all(Object.values(servers).map((s) => s.stop())));

  for (const engine of ['postgres', 'mariadb'] as const) {
    test(`${engine}: nothing in a value runs, every value arrives intact`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const server = servers[engine]!;
      const dir = scratch(t);
      const m = (n: number) => join(dir, `ran-${n}`);
      // Each marker file appears only if some part of a value was executed.
      const x = `; touch ${m(1)} # $(touch ${m(2)}) \`touch ${m(3)}\` ' " \\ * ~ \${{ inputs.url }} '); DROP TABLE victims; -- | \`\`\` <b>x</b>`;
      const fromEnv = `$(touch ${m(4)})\${IFS}'; DROP TABLE victims; --`;
      const payloadFile = join(dir, 'log.txt');
      writeFileSync(payloadFile, `ERROR at \${{ inputs.url }} $(touch ${m(5)}) \`touch ${m(6)}\` "; DROP TABLE victims; --\n# Injected heading | cell\n~~~ <script>alert(1)</script>`);
      const file = writeRunbook(dir, 'injection', RUNBOOK);
      const transcript = join(dir, 'run.jsonl');
      const envFile = join(dir, 'env');
      // The environment variable arrives through the process environment (postgres) or --env-file (mariadb).
      writeFileSync(envFile, `RUNBOOK_PAYLOAD=${fromEnv}\n`);
      const r = await cli(['run', file, '--plain', '--yes', '--transcript', transcript, '-i', `x=${x}`, '-i', `payload_file=${payloadFile}`,
        '-i', `url=${server.url()}`, ...(engine === 'mariadb' ? ['--env-file', envFile] : [])],
      { env: engine === 'postgres' ? { RUNBOOK_PAYLOAD: fromEnv } : {} });

      assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('ran-')), [], 'part of a value was executed');
      const lines = transcriptLines(transcript);
      assert.equal(finished(lines)?.outcome, 'resolved', `${finished(lines)?.message}\n${r.stdout}\n${r.stderr}`);
      assert.equal(r.code, 0);
      const rows = await adminQuery(server, engine === 'postgres' ? 'SELECT count(*)::int AS n FROM victims' : 'SELECT count(*) AS n FROM app_db.victims');
      assert.equal(Number(rows[0]!.n), 1, 'the table survived');
      // The ${{ inputs.url }} inside values stayed text: the URL (and its password) never got filled in.
      const text = readFileSync(transcript, 'utf8');
      assert.ok(text.includes('${{ inputs.url }}'));
      for (const secret of [server.appPassword, encodeURIComponent(server.appPassword)]) {
        assert.ok(!text.includes(secret) && !r.stdout.includes(secret) && !r.stderr.includes(secret), 'the URL password leaked');
      }

      const report = await cli(['report', transcript]);
      assert.equal(report.code, 0, report.stderr);
      const problems = markdownProblems(report.stdout, [/^#+ Injected heading/, /^\s*<(script|b)\b/i, /^~~~ <script/]);
      assert.deepEqual(problems, [], report.stdout);
      assert.ok(report.stdout.includes('Injected heading'), 'the hostile output is in the report, as text');
    });
  }

  test('an input that looks like an expression is compared as text, not evaluated', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const dir = scratch(t);
    const file = writeRunbook(dir, 'expr', `name: expr
title: Expression-looking input
inputs:
  x: { required: true }
steps:
  - id: look
    shell: printf '%s' \${{ inputs.x }}
    capture: look
    next:
      - if: inputs.x == 'admin'
        goto: wrong
      - if: look.output == inputs.x
        goto: done
      - goto: wrong
  - id: wrong
    end: failed
  - id: done
    end: resolved
    message: "\${{ inputs.x }}"
`);
    const transcript = join(dir, 'run.jsonl');
    for (const [i, x] of ["admin' or '1'=='1", 'true or inputs.x', "${{ 'admin' }}", "') or ('1", '__proto__', 'constructor'].entries()) {
      const r = await cli(['run', file, '--plain', '--transcript', `${transcript}.${i}`, '-i', `x=${x}`]);
      assert.equal(r.code, 0, `${x}: ${r.stdout}${r.stderr}`);
      assert.equal(finished(transcriptLines(`${transcript}.${i}`))?.message, x);
    }
    assert.equal(existsSync(join(dir, 'ran')), false);
  });
});
