// A step given a secret tells only its status, on a real PostgreSQL (stop 80): `generate_series(1, $1::int)` made
// the row count the PIN, and a route could read it (`steps.q.rowCount`). The oracle: two generated PINs (seed 80)
// give the same screen and transcript, timings aside (given-tells-status.test.ts has the shell's forms).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { cli, scratch, transcriptLines, writeRunbook } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { rng } from '../helpers/rng.js';

let server: LabServer;
before(async () => { server = await startPostgres(); });
after(async () => { await server?.stop(); });

const COUNTS = `name: counts
title: counts
inputs:
  url: { secret: true }
  pin: { secret: true }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: q
    title: "series"
    sql:
      query: "SELECT g FROM generate_series(1, $1::int) g"
      params: ["\${{ inputs.pin }}"]
  - id: cols
    sql:
      query: "SELECT repeat('x', $1::int % 97) AS v, $1::int % 7 AS n"
      params: ["\${{ inputs.pin }}"]
  - { id: done, end: resolved, message: "read \${{ steps.q.rowCount }} rows" }
`;

const normal = (text: string, pin: string) => text
  .replace(/\d{4}-\d\d-\d\d[T ][\d:.]+Z?/g, 'T').replace(/"durationMs":\d+/g, '"durationMs":D').replace(/\b\d+(\.\d+)?\s?(ms|s)\b/g, 'D')
  .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'ID').replace(/t-\d\.jsonl/g, 't-N.jsonl').replace(new RegExp(pin, 'g'), 'PIN');

test('an SQL step given a secret: its row count, columns and sizes are not shown, and the same screen and record for two PINs, seed 80', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const file = writeRunbook(dir, 'counts', COUNTS);
  const v = await cli(['validate', file]);
  assert.match(v.stdout, /0 errors/, v.stdout + v.stderr);
  const next = rng(80);
  const seen: string[][] = [];
  for (let k = 0; k < 2; k++) {
    const pin = String(1000 + k * 1000 + Math.floor(next() * 900));
    const transcript = join(dir, `t-${k}.jsonl`);
    const r = await cli(['run', file, '--plain', '--transcript', transcript, '--input', `url=${server.url()}`, '--input', `pin=${pin}`], { cwd: dir });
    assert.match(r.stdout, /finished resolved/, r.stdout + r.stderr);
    const lines = transcriptLines(transcript).filter((l) => !['header', 'step-session', 'connection-addresses', 'target-identified'].includes(l.type));
    const shown = [r.stdout, JSON.stringify(lines)];
    for (const text of shown) assert.ok(!text.includes(pin), `${pin} shown\n${text.slice(0, 3000)}`);
    seen.push(shown.map((s) => normal(s, pin)));
  }
  assert.equal(seen[0]![0], seen[1]![0], 'the screen differs between the PINs');
  assert.equal(seen[0]![1], seen[1]![1], 'the transcript differs between the PINs');
});
