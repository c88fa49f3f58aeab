// A secret fetched at run time: a shell step that prints a connection URL the way a vault client does, marked
// `secret: true`, is captured and used by later steps (as the URL of a connection and in a script) against the
// lab's PostgreSQL and MariaDB. Its output is never streamed, recorded or shown; the URL's password neither.
// A secret SQL step's row values are secrets too.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMariadb, startPostgres, type LabEngine, type LabServer } from '../../src/lab/index.js';
import { cli, scratch, transcriptLines, writeRunbook } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const dir = scratch({ after });
const servers: Partial<Record<LabEngine, LabServer>> = {};
before(async () => { [servers.postgres, servers.mariadb] = await Promise.all([startPostgres(), startMariadb()]); });
after(async () => { await Promise.all(Object.values(servers).map((s) => s.stop())); });

// The query computes it (the query text itself is shown): the row holds the upper-case form.
const ROW_SOURCE = `rowsecret-${Math.random().toString(36).slice(2, 10)}`;
const ROW_SECRET = ROW_SOURCE.toUpperCase();

describe('a Vault-style secret capture', () => {
  for (const engine of ['postgres', 'mariadb'] as const) {
    it(`on ${engine}: fetched, used as a connection URL and in a script, never shown`, { timeout: E2E_TEST_LIMIT_MS }, async () => {
      const server = servers[engine]!;
      const url = server.url();
      const response = join(dir, `vault-${engine}`);
      writeFileSync(response, `${url}\n`);
      const runbook = writeRunbook(dir, `vault-${engine}`, `name: vault-${engine}
title: Fetch the database URL from a vault, then use it
inputs:
  vault_file: { required: true }
connections:
  db: { url: "\${{ fetched.output }}" }
steps:
  - id: fetch
    title: Read the URL from the vault
    secret: true
    shell: cat \${{ inputs.vault_file }}
    capture: fetched
  - id: who
    title: Log in with it
    sql: { query: "SELECT current_user() AS who, 1 AS one" }
    capture: who
  - id: token
    title: A secret row
    secret: true
    sql: { query: "SELECT upper('${ROW_SOURCE}') AS token" }
    capture: tok
  - id: script
    destructive: false
    safe_because: prints whether the URL looks right
    title: Use both in a script
    shell: |
      case "\${{ fetched.output }}" in ${engine === 'postgres' ? 'postgres' : 'mysql'}://*) echo "url ok" ;; *) echo "url wrong"; exit 1 ;; esac
      echo "token \${{ tok.rows[0].token }} user \${{ who.rows[0].who }}"
  - { id: done, end: resolved, message: "connected as \${{ who.rows[0].who }} with \${{ fetched.output }}" }
`.replace('current_user()', engine === 'postgres' ? 'current_user' : 'current_user()'));
      const transcript = join(dir, `vault-${engine}.jsonl`);
      const r = await cli(['run', runbook, '--plain', '--transcript', transcript, '-i', `vault_file=${response}`], { timeoutMs: 50_000 });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const lines = transcriptLines(transcript);
      const result = (id: string) => (lines.find((l) => l.type === 'step-finished' && l.stepId === id) as { result?: { status?: string; stdout?: string; rows?: Record<string, unknown>[] } } | undefined)?.result;
      assert.equal(result('who')?.status, 'ok', 'the fetched URL connected');
      assert.equal(result('fetch')?.stdout, '****\n', 'the fetched URL is recorded masked, whole');
      assert.deepEqual(result('token')?.rows, [{ token: '****' }]);
      // Given both secrets, the script's output is withheld whole; that it ran to the end (its case matched) is
      // its status, and its record names what it was given.
      const script = result('script') as { status?: string; stdout?: string; withheld?: { because: string[] } } | undefined;
      assert.equal(script?.status, 'ok');
      assert.deepEqual([script?.stdout, script?.withheld?.because], ['****', ['\${{ fetched.output }}', '\${{ tok.rows[0].token }}']]);
      assert.ok(!lines.some((l) => l.type === 'step-output' && (l.stepId === 'fetch' || l.stepId === 'token')), 'a secret step streams no output');
      const written = { stdout: r.stdout, stderr: r.stderr, transcript: readFileSync(transcript, 'utf8') };
      for (const secret of [url, server.appPassword, encodeURIComponent(server.appPassword), ROW_SECRET]) {
        for (const [where, text] of Object.entries(written)) assert.ok(!text.includes(secret), `${JSON.stringify(secret)} is in ${where}`);
      }
    });

    // The server quotes a bound value back in its error (PostgreSQL: invalid input syntax for type integer:
    // "<value>") or in a row; the value is a secret input, a part of one (split()), or one computed from one.
    it(`on ${engine}: a secret bound as a parameter is masked where the server quotes it back`, { timeout: E2E_TEST_LIMIT_MS }, async () => {
      const pg = engine === 'postgres';
      const runbook = writeRunbook(dir, `param-${engine}`, `name: param-${engine}
title: t
inputs:
  url: { secret: true, type: url }
  tok: { secret: true }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: whole
    sql: { query: "${pg ? 'SELECT $1::int AS x' : 'SELECT CAST(? AS DATE) AS x, ? AS y'}", params: ["\${{ inputs.tok }}"${pg ? '' : ', "\${{ inputs.tok }}"'}] }
    on: { error: part }
  - id: part
    sql: { query: "${pg ? 'SELECT $1::uuid AS x' : 'SELECT ? AS x'}", params: ["\${{ split(inputs.tok, '-')[1] }}"] }
    on: { error: derived }
  - id: derived
    sql: { query: "${pg ? 'SELECT $1::date AS x' : 'SELECT UPPER(?) AS x'}", params: ["\${{ upper(inputs.tok) }}"] }
    on: { error: done }
  - { id: done, end: resolved }
`);
      const tok = 'ParamSecret-PieceSecret9';
      const transcript = join(dir, `param-${engine}.jsonl`);
      const r = await cli(['run', runbook, '--plain', '--transcript', transcript, '-i', `url=${servers[engine]!.url()}`, '-i', `tok=${tok}`], { timeoutMs: 50_000 });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const written = { screen: r.stdout + r.stderr, transcript: readFileSync(transcript, 'utf8') };
      for (const secret of [tok, 'ParamSecret', 'PieceSecret9', tok.toUpperCase()]) {
        for (const [where, text] of Object.entries(written)) assert.ok(!text.includes(secret), `${secret} is in ${where}:\n${text}`);
      }
      const results = transcriptLines(transcript).filter((l) => l.type === 'step-finished') as unknown as { stepId: string; result: { error?: string; rows?: unknown[] } }[];
      // Each statement was given the secret (a parameter): the server's error and rows are withheld whole.
      if (pg) {
        assert.deepEqual(results.slice(0, 2).map((x) => x.result.error), ['****', '****']);
      } else {
        // Not even how many rows or which columns (stop 80: a count is the code's choice).
        assert.deepEqual(results.slice(0, 3).map((x) => x.result.rows), [undefined, undefined, undefined]);
      }
      assert.ok(results.slice(0, 3).every((x) => (x.result as { withheld?: unknown }).withheld), 'each says what it was given');
    });
  }
});
