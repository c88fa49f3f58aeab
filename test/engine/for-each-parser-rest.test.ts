// A for_each read repeats one statement: its first item meets the server (the statement written again from its
// parse for that server's major), and every later item reads the same answer from this side's caches. So the
// PostgreSQL parser's worker ends once the first item is done, rather than idle for 5 s on top of the loop's
// start (under the terminal UI the run's peak memory: docs/performance.md), and the later items, on a real
// PostgreSQL, run without starting another.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Run } from '../../src/engine/run.js';
import { createExecutors } from '../../src/executors/index.js';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { parseRunbook } from '../../src/language/runbook.js';
import { pgParserRunning } from '../../src/language/sql/pg-parser.js';
import { Redactor } from '../../src/secrets/redactor.js';

let server: LabServer;
before(async () => { server = await startPostgres(); });
after(async () => { await server?.stop(); });

const RUNBOOK = `
name: loop-read
title: A read over items
inputs:
  url: { type: url, required: true }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: each
    for_each: { in: "split('1,2,3,4', ',')", as: x }
    sql: { query: "SELECT $1::int * 2 AS n", params: ["\${{ x }}"] }
  - id: done
    end: resolved
`;

test('the parser\'s worker ends after a loop\'s first item, and no later item starts another', async () => {
  const parsed = parseRunbook(RUNBOOK, 'loop-read.yaml');
  assert.ok(parsed.runbook, JSON.stringify(parsed.diagnostics));
  const executors = createExecutors();
  const run = new Run({ runbook: parsed.runbook, inputs: { url: server.url() }, redactor: new Redactor(), executors });
  const running: boolean[] = [];
  const values: unknown[] = [];
  run.on((e) => {
    if (e.type !== 'item-finished') return;
    running.push(pgParserRunning());
    values.push(e.result.rows?.[0]?.n);
  });
  try {
    const finished = await run.start();
    assert.equal(finished.outcome, 'resolved', finished.message);
  } finally { await executors.close(); }
  assert.deepEqual(running, [false, false, false, false], 'no worker from the first item\'s end on');
  assert.deepEqual(values, [2, 4, 6, 8], 'each item read its own value');
});
