// A called runbook's inputs on its gate (a probe of stop 80): `inputs:` drew each value's line breaks as rows, so a
// captured `db1⏎  dry_run: true` drew an input `dry_run: true` the callee was never given (it ran with its default).
// Now each input is one line: as it is when plain printable ASCII, else JSON (engine/gate.ts, inputShown). Generated
// values (seed 80: line breaks, CR, tabs, quotes, backslashes, lines that read as inputs, non-ASCII), the real CLI
// in --plain with --yes: each gate draws `inputs:` and one line per input, that line read back (escapes undone, JSON
// parsed) is the value, and the value the callee's step wrote to a file is the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../hardening/helpers.js';
import { rng } from '../helpers/rng.js';
import { yamlQuoted } from '../ui/gate-corpus.js';

const PIECES = ['db1', '\n', '\n  dry_run: true', '\r', '\t', '"', '\\', ' ', 'x', 'é', '\u00a0', 'a: b', '-', '\\n'];

function values(seed: number, count: number): string[] {
  const rand = rng(seed);
  return Array.from({ length: count }, () => Array.from({ length: 1 + Math.floor(rand() * 4) }, () => PIECES[Math.floor(rand() * PIECES.length)]!).join(''));
}

/** A line as drawn exactly (visible-text.ts exactLine) read back: escapes undone, then JSON parsed when quoted. */
function readBack(line: string): string {
  const text = line.replace(/‹U\+([0-9A-F]{4,6})›(?:×(\d+))?/g, (_, h: string, n?: string) => String.fromCodePoint(parseInt(h, 16)).repeat(Number(n ?? 1)))
    .replace(/⇥/g, '\t');
  return text.startsWith('"') ? JSON.parse(text) as string : text;
}

test('each input of a called runbook is one line on its gate, and reads back as the value the callee got', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-call-inputs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const vals = values(80, 14);
  writeFileSync(join(dir, 'callee.yaml'), `name: callee\ntitle: Callee\ninputs:\n  a: { description: a value, required: true }\n  out: { description: a file, required: true }\n  dry_run: { description: d, default: "false" }\nsteps:\n  - id: keep\n    destructive: true\n    shell: { run: "printf '%s' \\"$V\\" > '\${{ inputs.out }}'; echo dry=\${{ inputs.dry_run }}", env: { V: "\${{ inputs.a }}" } }\n  - id: done\n    end: resolved\n    message: kept\n`);
  const steps = vals.map((v, i) => `  - id: c${i}\n    destructive: true\n    runbook: { name: ./callee.yaml, inputs: { a: ${yamlQuoted(v)}, out: ${yamlQuoted(join(dir, `out.${i}`))} } }\n`);
  const caller = join(dir, 'caller.yaml');
  writeFileSync(caller, `name: caller\ntitle: Caller\nsteps:\n${steps.join('')}  - id: done\n    end: resolved\n    message: ok\n`);
  const r = await cli(['run', caller, '--plain', '--yes', '--no-transcript']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const out = r.stdout.split('\n');
  // Each caller's gate: its `would run` lines, up to the first line that is not one (the callee's gates are c0/keep).
  const gates = out.flatMap((l, i) => {
    if (!/^confirm\? c\d+: /.test(l)) return [];
    const rest = out.slice(i + 1);
    const n = rest.findIndex((x) => !/^ {2}(would run: | {11})/.test(x));
    return [rest.slice(0, n).map((x) => x.slice(13))];
  });
  assert.equal(gates.length, vals.length, r.stdout);
  vals.forEach((v, i) => {
    const lines = gates[i]!;
    assert.deepEqual(lines.slice(0, 2), ['runbook ./callee.yaml', 'inputs:'], lines.join('\n'));
    assert.equal(lines.length, 4, `input ${JSON.stringify(v)} drew ${lines.length - 2} input lines:\n${lines.join('\n')}`);
    assert.match(lines[2]!, /^ {2}a: /);
    assert.equal(readBack(lines[2]!.slice(5)), v, lines[2]);
    assert.equal(readFileSync(join(dir, `out.${i}`), 'utf8'), v, 'the callee was given the value drawn');
  });
});

test('a credential written into a called runbook\'s input is masked on its gate, one line or JSON', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-call-cred-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'callee.yaml'), 'name: callee\ntitle: Callee\ninputs:\n  a: { description: a value, required: true }\nsteps:\n  - id: done\n    end: resolved\n    message: ok\n');
  const caller = join(dir, 'caller.yaml');
  const values = ['PGPASSWORD=hunter2x psql', 'x\nPGPASSWORD=hunter2y', '--password=hunter2z \n'];
  writeFileSync(caller, `name: caller\ntitle: Caller\nsteps:\n${values.map((v, i) => `  - id: c${i}\n    destructive: true\n    runbook: { name: ./callee.yaml, inputs: { a: ${yamlQuoted(v)} } }\n`).join('')}  - id: done\n    end: resolved\n    message: ok\n`);
  const r = await cli(['run', caller, '--plain', '--yes', '--no-transcript']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /hunter2/, r.stdout);
  assert.equal(r.stdout.match(/\*\*\*\*/g)?.length, values.length, r.stdout);
});
