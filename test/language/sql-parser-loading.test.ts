// Issue #32: a SQL parser loads only when a runbook has SQL the build has not classified, only the grammar the
// text's engine needs, and only once. Checked on the validator as the CLI ships it (dist/validator.cjs), in a
// fresh process per runbook: which node-sql-parser builds were required, and whether PostgreSQL's parser
// (libpg-query, in a worker thread) was started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

const VALIDATOR = join(ROOT, 'dist', 'validator.cjs');
const skip = !existsSync(VALIDATOR) && 'dist/ not built';

interface Loaded { errors: number; grammars: string[]; worker: boolean }

/** Validates each file (twice: the second must load nothing more) in one fresh process. */
function loadedBy(files: string[]): Loaded {
  const script = `const v = require(${JSON.stringify(VALIDATOR)});
const files = process.argv.slice(1);
let errors = 0;
for (const f of [...files, ...files]) errors += v.readRunbook(f).diagnostics.filter((d) => d.severity === 'error').length;
const grammars = Object.keys(require.cache).filter((k) => /node-sql-parser/.test(k)).map((k) => k.replace(/.*node-sql-parser[\\\\/]/, ''));
const worker = process.moduleLoadList.some((m) => /worker_threads/.test(m));
process.stdout.write(JSON.stringify({ errors: errors / 2, grammars, worker }));`;
  const r = spawnSync(process.execPath, ['-e', script, '--', ...files], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Loaded;
}

const runbook = (sql: string) => `name: s\ntitle: S\ninputs:\n  url: { type: url, default: "postgres://a@127.0.0.1:1/d" }\nconnections:\n  db: { url: "\${{ inputs.url }}" }\nsteps:\n${sql}  - id: done\n    end: resolved\n    message: ok\n`;

test('no SQL, SQL the build classified, one engine\'s new SQL: only what is needed loads, once', { skip }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-parsers-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => { writeFileSync(join(dir, name), text); return join(dir, name); };
  const shellOnly = write('shell.yaml', runbook('  - id: a\n    shell: echo a\n'));
  const copy = join(dir, 'pool-exhausted.yaml');
  copyFileSync(join(ROOT, 'runbooks', 'pool-exhausted.yaml'), copy);
  appendFileSync(copy, '# a local copy\n');
  const pgOnly = write('pg.yaml', runbook('  - id: a\n    sql: { query: { postgres: "SELECT 41 + 1 AS answer_pg" } }\n'));
  const mysqlOnly = write('my.yaml', runbook('  - id: a\n    sql: { query: { mysql: "SELECT 41 + 1 AS answer_my" } }\n'));

  assert.deepEqual(loadedBy([shellOnly]), { errors: 0, grammars: [], worker: false });
  // Every SQL text of pool-exhausted (both engines) is in dist/sql-verdicts.json: no parser at all.
  assert.deepEqual(loadedBy([copy]), { errors: 0, grammars: [], worker: false });
  // New PostgreSQL text: PostgreSQL's parser only.
  assert.deepEqual(loadedBy([pgOnly]), { errors: 0, grammars: [], worker: true });
  // New MySQL text: the MariaDB grammar (tried first) only, required once however often it is used.
  const my = loadedBy([mysqlOnly]);
  assert.deepEqual(my, { errors: 0, grammars: ['build/mariadb.js'], worker: false });
});
