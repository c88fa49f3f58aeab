// A stop-73 probe: a step handed a value computed from a secret (`number(inputs.pin) % 1000`, one digit, a word the
// secret chose, a for_each item of split(secret)) was not "given a secret": that was decided by value (does it hold
// a registered secret?), and 193 or 4 is none. Its output and rows were recorded in clear and the PIN read back.
// Now a place is given a secret by flow, as displays are masked (a loop over a secret's list is a route, refused
// since stop 79: here a literal list's items read the digits). Generated PINs (fixed seed); the oracle is the PIN's
// pieces as the forms compute them, which must be in no transcript line, report or screen line.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { cli, scratch, transcriptLines, writeRunbook } from '../hardening/helpers.js';
import { rng } from '../helpers/rng.js';

/** Each form as a template over inputs.pin (6 digits), and what it computes. */
const FORMS: [string, (pin: string) => string][] = [
  ['number(inputs.pin) % 1000', (p) => String(Number(p) % 1000)],
  ['(number(inputs.pin) - number(inputs.pin) % 1000) / 1000', (p) => String(Math.floor(Number(p) / 1000))],
  ["split(inputs.pin, '')[0]", (p) => p[0]!],
  ["['zero','one','two','three','four','five','six','seven','eight','nine'][split(inputs.pin, '')[1]]", (p) => ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'][Number(p[1])]!],
  ["split(inputs.pin, '')[2] == '7' ? 'yes-seven' : 'not-seven'", (p) => (p[2] === '7' ? 'yes-seven' : 'not-seven')],
];

const pins = (seed: number, n: number) => { const r = rng(seed); return Array.from({ length: n }, () => String(100_000 + Math.floor(r() * 900_000))); };

function records(dir: string, transcript: string, screen: string): Promise<string> {
  return cli(['report', transcript]).then((r) => `${screen}\n${readFileSync(transcript, 'utf8')}\n${r.stdout}`);
}

describe('a step given a piece of a secret, or a value one chose, is given a secret', () => {
  let pg: LabServer;
  before(async () => { pg = await startPostgres(); });
  after(async () => { await pg?.stop(); });

  it('shell values, env values, for_each items: output withheld, real and dry', async (t) => {
    const dir = scratch(t);
    const steps = FORMS.map(([form], i) => `  - id: v${i}
    shell: ${JSON.stringify(`echo "piece \${{ ${form} }}"`)}
  - id: e${i}
    destructive: false
    safe_because: prints its own variable
    shell:
      run: echo "piece $piece"
      env: { piece: ${JSON.stringify(`\${{ ${form} }}`)} }
`).join('');
    const file = writeRunbook(dir, 'pieces', `name: pieces
title: Pieces
inputs:
  pin: { secret: true }
steps:
${steps}  - id: each
    for_each: { in: "[0, 1, 2, 3, 4, 5]", as: k }
    shell: echo "digit \${{ default(split(inputs.pin, '')[k], '') }}"
  - { id: done, end: resolved, message: done }
`);
    for (const [k, pin] of pins(7303, 4).entries()) {
      const transcript = join(dir, `t${k}.jsonl`);
      const r = await cli(['run', file, '--plain', '--transcript', transcript, '-i', `pin=${pin}`, ...(k % 2 ? ['--dry-run'] : [])]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const text = await records(dir, transcript, r.stdout + r.stderr);
      for (const [form, compute] of FORMS) assert.ok(!text.includes(`piece ${compute(pin)}`), `${form} of ${pin} is recorded`);
      for (const d of pin) assert.ok(!text.includes(`digit ${d}`), `a digit of ${pin} is recorded`);
      const lines = transcriptLines(transcript);
      const withheld = lines.filter((l) => l.type === 'step-finished' && (l.result as { withheld?: unknown })?.withheld).map((l) => l.stepId);
      // (A dry run shows the vouched env steps, not runs them.)
      for (const id of k % 2 ? ['v0', 'v4', 'each'] : ['v0', 'v4', 'e0', 'e4', 'each']) assert.ok(withheld.includes(id), `${id} not withheld: ${withheld.join(' ')}`);
    }
  });

  it('SQL parameters: rows withheld, and a server that logs parameters is not sent the piece', async (t) => {
    const dir = scratch(t);
    const params = FORMS.map(([form]) => `"\${{ ${form} }}"`).join(', ');
    const cols = FORMS.map((_, i) => `'piece ' || $${i + 1}::text AS p${i}`).join(', ');
    const file = writeRunbook(dir, 'sql', `name: sql
title: Sql
inputs:
  pin: { secret: true }
connections:
  db: { url: ${JSON.stringify(pg.url())} }
steps:
  - id: q
    sql: { connection: db, query: "SELECT ${cols}", params: [${params}] }
  - { id: done, end: resolved, message: done }
`);
    for (const [k, pin] of pins(7304, 2).entries()) {
      const transcript = join(dir, `s${k}.jsonl`);
      const r = await cli(['run', file, '--plain', '--transcript', transcript, '-i', `pin=${pin}`]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const text = await records(dir, transcript, r.stdout + r.stderr);
      for (const [form, compute] of FORMS) assert.ok(!text.includes(`piece ${compute(pin)}`), `${form} of ${pin} is recorded`);
    }
  });
});
