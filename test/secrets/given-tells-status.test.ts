// A step given a secret tells only how it went (stop 79's left item, a probe of stop 80). Its output was withheld,
// yet its exit code (`exit $((pin % 256))`: exit code 145), the sizes of what it printed (`printf '%*s' "$pin" x`:
// outputBytes 482193, the PIN itself; a withheld field's size), its classification, a retry's message (`item 1 (a)
// failed: exit code 145: q84z`, two digits of the PIN reversed) and the step's result read whole (`json(steps.code)`
// in an ending) were on the screen and in the record, and a route could read them. Now the record and the routes
// keep its status and duration alone (secrets/step-taint.ts SHOWN_OF_GIVEN). The oracle: two generated PINs (seed
// 80) give the same screen, transcript, report and replay, timings aside; validate refuses each reader at its line.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, scratch, transcriptLines, writeRunbook } from '../hardening/helpers.js';
import { rng } from '../helpers/rng.js';

/** What a route or a retry may not read of the given step `g` (captured as `cap`), and what it still may. */
const REFUSED = ['steps.g.exitCode == 17', 'steps.g.exitCode % 2 == 1', 'steps.g.outputBytes > 9', 'steps.g.rowCount == 3',
  "steps.g.classification == 'privilege'", 'steps.g.signal != null', 'length(steps.g.columns) > 1', "steps.g.output == ''",
  "default(steps.g.stderr, '') != ''", 'cap.exitCode > 3', 'json(steps.g) != null'];
const SHOWN = ["steps.g.status == 'ok'", 'steps.g.ok', 'steps.g.durationMs > 5', "cap.status != 'failed'", 'inputs.pin != null'];

const routed = (route: string, extra = '') => `name: given
title: given
inputs:
  pin: { secret: true }
steps:
  - id: g
    shell: 'printf "%s" "\${{ inputs.pin }}" | wc -c'
    capture: cap${extra}
  - id: go
    if: "${route}"
    shell: "true"
  - { id: done, end: resolved, message: done }
`;

test('validate refuses a route or a retry on what a step given a secret chose, at its line and column; its status still routes', async (t) => {
  const dir = scratch(t);
  const next = rng(80);
  const cases: [string, string, boolean][] = [
    ...REFUSED.map((r): [string, string, boolean] => [r, routed(r), true]),
    ...SHOWN.map((r): [string, string, boolean] => [r, routed(r), false]),
    ['on: privilege', routed('true', '\n    on: { privilege: done, error: go }'), true],
    ['retry.on: other', routed('true', '\n    retry: { attempts: 2, on: [other] }'), true],
    ['on: error', routed('true', '\n    on: { error: done }'), false],
    ['retry.on: failed', routed('true', '\n    retry: { attempts: 2, on: [failed, timeout] }'), false],
  ];
  // In a generated order, so that no reader depends on the one before.
  for (const [what, yaml, refused] of cases.map((c) => [next(), c] as const).sort((a, b) => a[0] - b[0]).map(([, c]) => c)) {
    const file = writeRunbook(dir, 'v', yaml);
    const r = await cli(['validate', file]);
    const line = r.stdout.split('\n').find((l) => l.includes('[secret-route]'));
    if (!refused) { assert.match(r.stdout, /0 errors/, `${what}: ${r.stdout}${r.stderr}`); continue; }
    assert.ok(line, `${what}: no secret-route error\n${r.stdout}${r.stderr}`);
    assert.match(line, /^\S+v\.yaml:\d+:\d+: error: /, line);
  }
});

/** Steps given the PIN that each told it in another way; validate finds nothing wrong with any. */
const TELLING = `name: tells
title: tells
inputs:
  pin: { secret: true }
steps:
  - id: code
    shell: 'p="\${{ inputs.pin }}"; exit $(( p % 256 ))'
    destructive: false
    safe_because: it only exits
    on: { error: size }
  - id: size
    title: "after exit \${{ steps.code.exitCode }}"
    shell: 'printf "%*s" "\${{ inputs.pin }}" x'
  - id: err
    shell: 'printf "%*s" "\${{ inputs.pin }}" x >&2'
  - id: empty
    shell: 'test "\${{ inputs.pin }}" = 0 || printf x'
  - id: loop
    for_each: { in: "['a']" }
    retry: { attempts: 2, backoff: 100ms }
    destructive: false
    safe_because: it reads
    shell: 'p="\${{ inputs.pin }}"; echo "z\${p:0:2}q" | rev >&2; exit $(( p % 256 ))'
    on: { error: vars }
  - id: vars
    vars: { c: "steps.code.exitCode", n: "json(steps.size)" }
  - id: later
    shell: 'echo "\${{ vars.c }} \${{ steps.err.outputBytes }}"'
  - { id: done, end: resolved, message: "done \${{ json(steps.code) }}" }
`;

const WHERE = ['screen', 'transcript', 'report', 'replay'];

/** What a run shows, timings and the run's own names aside: durations depend on the PIN (a timing, left as said). */
const normal = (text: string, pin: string) => text
  .replace(/\d{4}-\d\d-\d\d[T ][\d:.]+Z?( UTC)?/g, 'T').replace(/\b\d\d:\d\d:\d\d\b/g, 'T')
  .replace(/"durationMs":\d+/g, '"durationMs":D').replace(/\b\d+(\.\d+)?\s?(ms|s)\b/g, 'D')
  .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'ID').replace(/t-\d+/g, 't-N')
  .replace(new RegExp(pin, 'g'), 'PIN');

test('a step given a secret tells only its status: the same screen, record, report and replay for two PINs, seed 80', async (t) => {
  const dir = scratch(t);
  const next = rng(8080);
  const file = writeRunbook(dir, 'tells', TELLING);
  const v = await cli(['validate', file]);
  assert.match(v.stdout, /0 errors/, v.stdout + v.stderr);
  const seen: string[][] = [];
  const pins: string[] = [];
  for (let k = 0; k < 2; k++) {
    // Five digits whose last byte is not 0: \`code\` fails for both (its status is shown, and routes).
    let pin = '';
    do pin = String(10_000 + Math.floor(next() * 90_000)); while (Number(pin) % 256 === 0 || pins.includes(pin));
    pins.push(pin);
    const transcript = join(dir, `t-${k}.jsonl`);
    const r = await cli(['run', file, '--plain', '-i', `pin=${pin}`, '--transcript', transcript]);
    const lines = transcriptLines(transcript).filter((l) => l.type !== 'header' && l.type !== 'step-process'); // its pid is the machine's
    const report = await cli(['report', transcript]);
    const replay = await cli(['replay', transcript, '--speed', '0']);
    const shown = [r.stdout, JSON.stringify(lines), report.stdout, replay.stdout];
    // The PIN in no form is the comparison below; the PIN itself, first.
    for (const [i, text] of shown.entries()) assert.ok(!text.includes(pin), `${WHERE[i]} shows ${pin}\n${text.slice(0, 4000)}`);
    assert.match(r.stdout, /finished resolved/, r.stdout + r.stderr);
    seen.push(shown.map((s) => normal(s, pin)));
  }
  for (const i of [0, 1, 2, 3]) assert.equal(seen[0]![i], seen[1]![i], `${WHERE[i]} differs between the PINs`);
});
