// The PostgreSQL parser's worker holds its own isolate and each major's WASM; a run reads its statements when it
// starts and then may loop for minutes without a question, so the worker ends after IDLE_MS (5 s) with nothing to
// answer, and the next question starts another that answers as the first did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { askPg, parsePg, pgParserRunning, regeneratePg } from '../../src/language/sql/pg-parser.js';

const IDLE_MS = 5_000;

/** A parse tree without source positions. */
const unplaced = (tree: unknown) => JSON.stringify(tree, (k, v) => (/location|stmt_len/.test(k) ? undefined : v));

test('the parser\'s worker ends once idle, and a later question starts another that answers the same', async () => {
  const [first] = parsePg(['SELECT pid FROM pg_stat_activity WHERE state = $1']);
  assert.ok(first && 'tree' in first, 'parsed');
  assert.equal(pgParserRunning(), true, 'a worker answered');
  await sleep(IDLE_MS + 1_500);
  assert.equal(pgParserRunning(), false, 'the idle worker ended');
  // A text this process has not asked before (the answers already given are kept on this side).
  const [again] = parsePg(['SELECT  pid  FROM pg_stat_activity WHERE state = $1']);
  assert.ok(again && 'tree' in again, 'a new worker parses');
  assert.equal(unplaced(again.tree), unplaced(first.tree));
  assert.deepEqual(regeneratePg('select  1 as one', 15), { text: 'SELECT 1 AS one' }, 'and writes statements again for a server of another major');
  assert.equal(pgParserRunning(), true);
});

test('a worker with a question asked and not yet collected does not end', async () => {
  const a = askPg(['SELECT 2 AS two']);
  const b = askPg(['SELECT 3 AS three']); // asked early, collected later: as validation does
  const [one] = a();
  assert.ok(one && 'tree' in one);
  await sleep(IDLE_MS + 1_500);
  assert.equal(pgParserRunning(), true, 'still running: an answer is to be collected');
  const [two] = b();
  assert.ok(two && 'tree' in two, `answered after the idle time: ${JSON.stringify(two)}`);
});
