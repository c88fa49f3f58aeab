// Issue #32: a case made by `runbook test --from-transcript` replays its run exactly. A secret database URL is
// recorded masked, and the case's stand-in keeps the scheme the run connected with, so engine('db') and every
// branch on it go as in the run, on PostgreSQL and on MariaDB (real lab servers, real runs through the CLI). A
// run that stopped at a question with no answer makes a case that asks the author for the answer (a located
// error until given), never one that fails unchanged.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { cli } from '../helpers/cli.js';

const BRANCHES = `name: which-engine
title: Which engine
inputs:
  url: { type: url, secret: true, required: true }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: look
    sql:
      query:
        postgres: SELECT 1 AS one
        mysql: SELECT 1 AS one
    next:
      - if: engine('db') == 'mysql'
        goto: on-mysql
  - id: on-postgres
    end: resolved
    message: on postgres
  - id: on-mysql
    end: escalate
    message: on mysql
`;

const servers: LabServer[] = [];
before(async () => { servers.push(await startPostgres(), await startMariadb()); });
after(async () => { await Promise.all(servers.map((s) => s.stop())); });

const scratch = (t: { after(fn: () => void): void }) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-replay-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

for (const [i, engine, end, outcome] of [[0, 'postgres', 'on-postgres', 'resolved'], [1, 'mariadb', 'on-mysql', 'escalate']] as const) {
  test(`a secret URL that branches on engine(): the case replays the ${engine} run's path`, (t) => {
    const dir = scratch(t);
    const file = join(dir, 'which-engine.yaml');
    writeFileSync(file, BRANCHES);
    const server = servers[i]!;
    const url = server.adminUrl();
    const run = cli(['run', file, '--plain', '--input', `url=${url}`, '--transcript', join(dir, 'run.jsonl')]);
    assert.equal(run.code, outcome === 'resolved' ? 0 : 1, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`branch +look → ${end}`));

    const made = cli(['test', '--from-transcript', join(dir, 'run.jsonl'), '-o', join(dir, 'which-engine.cases.yaml')]);
    assert.equal(made.code, 0, made.stdout + made.stderr);
    const written = readFileSync(join(dir, 'which-engine.cases.yaml'), 'utf8');
    // The scheme only: neither the password nor the rest of the URL is in the case.
    const scheme = url.slice(0, url.indexOf('://'));
    assert.match(written, new RegExp(`url: ${scheme}://\\*\\*\\*\\*\\n`), written);
    assert.ok(!written.includes(server.superPassword) && !written.includes(String(server.port)), written);
    assert.match(written, new RegExp(`path:\\n\\s+- look\\n\\s+- ${end}\\n`));

    const replay = cli(['test', file, '--cases', join(dir, 'which-engine.cases.yaml')]);
    assert.equal(replay.code, 0, replay.stdout + replay.stderr);
    assert.match(replay.stdout, /1 case: 1 passed, 0 failed/);
  });
}

test('a run that stopped at an unanswered question makes a case that asks for the answer, then passes once given', (t) => {
  const dir = scratch(t);
  const file = join(dir, 'ask.yaml');
  writeFileSync(file, `name: ask
title: Ask
steps:
  - id: look
    shell: echo looking
  - id: decide
    manual:
      instructions: Is it fixed?
      choices: [fixed, not-fixed]
    on: { fixed: done, not-fixed: escalate }
  - id: done
    end: resolved
    message: fixed
  - id: escalate
    end: escalate
    message: not fixed
`);
  const run = cli(['run', file, '--plain', '--transcript', join(dir, 'run.jsonl')], { input: '' });
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /STOPPED +decide needs an answer and stdin is closed/);
  const cases = join(dir, 'ask.cases.yaml');
  const made = cli(['test', '--from-transcript', join(dir, 'run.jsonl'), '-o', cases]);
  assert.equal(made.code, 0, made.stdout + made.stderr);
  assert.match(made.stderr, /the run stopped at decide without an answer: fill in steps\.decide\.value/);
  const written = readFileSync(cases, 'utf8');
  assert.match(written, /decide:\n\s+value: '<fill in: the answer to decide, one of fixed, not-fixed>'/);
  assert.doesNotMatch(written, /message:/, 'the stop message is not what the answered run ends with');

  // Unchanged, the case is refused where the answer goes, saying what to write (exit 2, not a failing case).
  const unchanged = cli(['test', file, '--cases', cases]);
  assert.equal(unchanged.code, 2, unchanged.stdout + unchanged.stderr);
  const line = written.split('\n').findIndex((l) => l.includes('<fill in')) + 1;
  assert.match(unchanged.stdout, new RegExp(`ask\\.cases\\.yaml:${line}:16: error: the run this case was made from stopped at step 'decide' without an answer .*replace .* with the answer the operator would give, then set path and outcome .*\\[answer-to-fill-in\\]`));

  // Answered, with the path and outcome the answer leads to: it passes.
  writeFileSync(cases, written.replace(/'<fill in[^']*'/, 'not-fixed').replace(/      - decide\n    outcome: failed/, '      - decide\n      - escalate\n    outcome: escalate'));
  const answered = cli(['test', file, '--cases', cases]);
  assert.equal(answered.code, 0, answered.stdout + answered.stderr);
  assert.match(answered.stdout, /1 case: 1 passed, 0 failed/);
});
