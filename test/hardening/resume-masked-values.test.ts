// A resumed run reads what finished from the transcript, where secrets are '****'. A step after the cut that acts
// on such a value (a new password from a secret prompt, a secret step's output, a password inside a plain step's
// output, a var made from one) must not run with the four characters in its
// place: the first run of this probe's runbook set the password to the answer, the resume set it to '****', and
// the gate and the screen showed the same '****' both times. Generated over the ways a value reaches a step
// (captures, steps.<id>, steps['<id>'], output/value/rows, vars; a route on one is refused before any run since
// stop 79) and every cut of a real run between the value's record and the consumer's finish: the resume is refused
// with nothing run, or the step gets the real value. Never '****'. A cut after the consumer finished resumes.
// The run is the real CLI (bundle); resumes go through the `resume` command in this process, as nested-cuts does.
import { ownCrash } from '../helpers/own-crash.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { resumeHere } from '../transcript/resume-here.js';
import { cli, scratch } from '../transcript/helpers.js';

const SECRET = 'Rotat3d-S3cret-4711';
const TOKEN = 'tok-9f8e7d6c5b4a';

interface Way { name: string; producer: string[]; consumer: string[]; stdin?: string; inputs?: string[]; called?: boolean }

const write = (expr: string) => `printf '%s\\n' ${expr} >> \${{ inputs.out }}`;
const sink = (expr: string, extra: string[] = []) => ['  - id: use', '    destructive: true', ...extra, `    shell: ${write(expr)}`, '    on: { skipped: kept }'];
const ask = ['  - id: ask', '    prompt: { message: "New password?", secret: true }', '    capture: pw'];
const vault = ['  - id: ask', '    secret: true', `    destructive: false`, '    safe_because: prints a constant', `    shell: echo ${SECRET}`, '    capture: pw'];
// A plain step whose output holds a secret input: the transcript masks it inside the output.
const echoes = ['  - id: ask', '    destructive: false', '    safe_because: prints its input', '    shell: echo "user=app token=${{ inputs.token }}"', '    capture: pw'];

const WAYS: Way[] = [
  { name: 'secret prompt, capture value', producer: ask, consumer: sink('${{ pw.value }}'), stdin: `${SECRET}\n` },
  { name: 'secret prompt, steps.<id>.value', producer: ask, consumer: sink('${{ steps.ask.value }}'), stdin: `${SECRET}\n` },
  { name: "secret prompt, steps['<id>'] through upper()", producer: ask, consumer: sink("${{ lower(upper(steps['ask'].value)) }}"), stdin: `${SECRET}\n` },
  { name: 'secret step output', producer: vault, consumer: sink('${{ pw.output }}') },
  { name: 'secret step output in env', producer: vault, consumer: ['  - id: use', '    destructive: true', '    shell:', `      run: ${write('"$NEWPW"')}`, '      env: { NEWPW: "${{ pw.output }}" }', '    on: { skipped: kept }'] },
  { name: 'secret input inside a plain output', producer: echoes, consumer: sink('${{ split(pw.output, " ")[1] }}'), inputs: [`token=${TOKEN}`] },
  { name: 'a var computed from a secret step', producer: [...vault, '  - id: v', '    vars: { pwd: "trim(pw.output)" }'], consumer: sink('${{ vars.pwd }}') },
  // A branch condition on a secret and a for_each over a secret step's lines were ways here too: both are routes a
  // secret decides, refused before any run since stop 79 (test/secrets/secret-routes.test.ts).
  // Inside a called runbook the resume continues in: its own results are read back masked too.
  { name: 'inside a called runbook, a secret prompt', producer: ask, consumer: sink('${{ pw.value }}'), stdin: `${SECRET}\n`, called: true },
];

function runbookOf(dir: string, way: Way): string {
  if (way.called) {
    writeFileSync(join(dir, 'inner.yaml'), `${['name: inner', 'title: Called', 'inputs:', '  out: { required: true }', 'steps:', ...way.producer, ...way.consumer,
      '  - id: done', '    end: resolved', '    message: done', '  - id: kept', '    end: escalate', '    message: skipped'].join('\n')}\n`);
    way = { ...way, producer: [], consumer: ['  - id: call', '    runbook: { name: ./inner.yaml, inputs: { out: "${{ inputs.out }}" } }', '    on: { escalate: kept }'] };
  }
  const file = join(dir, 'rb.yaml');
  writeFileSync(file, `${['name: masked', 'title: Masked values after resume', 'inputs:', '  out: { required: true }', '  token: { secret: true }', 'steps:',
    ...way.producer, ...way.consumer,
    '  - id: after', '    destructive: false', "    safe_because: writes only the test's marker", `    shell: ${write('after')}`,
    '  - id: done', '    end: resolved', '    message: done', '  - id: kept', '    end: escalate', '    message: skipped'].join('\n')}\n`);
  return file;
}


type Line = { type: string; stepId?: string; willRetry?: boolean; seq?: number };

for (const way of WAYS) {
  test(`resume never acts on a masked value: ${way.name}`, { timeout: 120_000 }, async (t) => {
    const dir = scratch(t);
    const rb = runbookOf(dir, way);
    const out = join(dir, 'marks');
    const full = join(dir, 'full.jsonl');
    const r = await cli(['run', rb, '--plain', '--yes', '--transcript', full, '--input', `out=${out}`, ...(way.inputs ?? []).flatMap((i) => ['--input', i])], { stdin: way.stdin ?? '' });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const real = readFileSync(out, 'utf8');
    assert.doesNotMatch(real, /\*\*\*\*/, 'the first run had the real value');
    assert.match(real, /after/);
    const text = readFileSync(full, 'utf8').trimEnd().split('\n');
    const lines = text.map((l) => JSON.parse(l) as Line);
    assert.match(text.join('\n'), /\*\*\*\*/, 'the transcript holds the value masked');
    const id = (step: string) => (way.called ? `call/${step}` : step);
    const recorded = lines.findIndex((l) => l.type === 'step-finished' && l.stepId === id('ask') && !l.willRetry) + 1;
    const usedAt = lines.findIndex((l) => l.type === 'step-finished' && l.stepId === id('use') && !l.willRetry) + 1;
    assert.ok(recorded > 0 && usedAt > recorded, `ask finished at ${recorded}, use at ${usedAt}`);
    let refused = 0;
    // Every cut from the value's record to just before the consumer's finish, and one after it (control).
    for (let k = recorded; k <= usedAt + 1 && k < text.length - 1; k++) {
      const marks = join(dir, `marks-${k}`);
      const cut = join(dir, `cut-${k}.jsonl`);
      writeFileSync(cut, ownCrash(text.slice(0, k).join('\n'), out, marks));
      const res = await resumeHere(cut, way.inputs ?? []);
      const where = `cut after line ${k} (${lines[k - 1]!.type} ${lines[k - 1]!.stepId ?? ''})`;
      const wrote = existsSync(marks) ? readFileSync(marks, 'utf8') : '';
      assert.doesNotMatch(wrote, /\*\*\*\*/, `${where}: a resumed step acted on the masked value\n${res.output}${res.refused ?? ''}`);
      if (k > usedAt) {
        // The consumer finished before the cut: nothing left reads the masked value, the run goes on.
        assert.equal(res.refused, undefined, `${where}: refused although nothing left reads a masked value: ${res.refused}`);
        assert.equal(res.code, 0, `${where}:\n${res.output}`);
        assert.equal(wrote, 'after\n', where);
        continue;
      }
      if (res.refused !== undefined) {
        assert.match(res.refused, /masked/, where);
        assert.equal(res.refused.split('\n').length, 1, 'one line');
        assert.equal(wrote, '', `${where}: refused, yet something ran`);
        assert.equal(readFileSync(cut, 'utf8').trimEnd().split('\n').length, k, `${where}: refused, yet the transcript grew`);
        refused++;
      } else {
        assert.equal(res.code, 0, `${where}:\n${res.output}`);
        assert.equal(wrote.replace(/\n$/, '').split('\n').at(-1), 'after', `${where}: ran to the end with the real value: ${wrote}`);
      }
    }
    assert.ok(refused > 0, 'at least one cut would have acted on a masked value');
  });
}
