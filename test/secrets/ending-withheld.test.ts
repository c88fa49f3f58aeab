// A step given a secret has its error withheld, but the run's ending said why it failed from the real result: a probe
// of stop 78 bound a PIN and cast `'z' || substr($1, 1, 2) || 'q'` to int on PostgreSQL, and the ending read
// `invalid input syntax for type integer: "z48q"` on the screen, in the transcript and the report (the step's own
// error line read `****`; four characters computed by the server are no value the redactor knows). The ending now
// says why as the record does. Generated PINs and pieces (fixed seed), a real server's error as the oracle.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { rng } from '../helpers/rng.js';

let server: LabServer;
before(async () => { server = await startPostgres(); });
after(async () => { await server?.stop(); });

test("a failed step given a secret: the run's ending does not quote its error, on the screen, in the transcript or the report: generated, seed 78", { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const next = rng(78);
  for (let k = 0; k < 5; k++) {
    const pin = String(Math.floor(next() * 10_000)).padStart(4, '0');
    const at = 1 + Math.floor(next() * 3);
    const dir = scratch(t);
    const file = writeRunbook(dir, 'cast', `name: cast
title: cast
inputs:
  url: { secret: true }
  pin: { secret: true }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: q
    sql:
      query: "SELECT ('z' || substr($1, ${at}, 2) || 'q')::int AS n"
      params: ["\${{ inputs.pin }}"]
  - { id: done, end: resolved, message: done }
`);
    const transcript = join(dir, 't.jsonl');
    const r = await cli(['run', file, '--plain', '--yes', '--transcript', transcript, '--input', `url=${server.url()}`, '--input', `pin=${pin}`], { cwd: dir });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const quoted = `z${pin.slice(at - 1, at + 1)}q`;
    const report = await cli(['report', transcript]);
    for (const [where, text] of Object.entries({ screen: r.stdout + r.stderr, transcript: readFileSync(transcript, 'utf8'), report: report.stdout })) {
      assert.ok(!text.includes(quoted), `${pin}: ${quoted} on the ${where}`);
    }
    assert.match(r.stdout, /finished failed .*: Step 'q' failed: \*\*\*\*/);
  }
});
