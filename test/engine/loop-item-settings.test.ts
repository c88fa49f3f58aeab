// A for_each's items on its gate name what differs between them besides the command's values (a probe of stop 80):
// `cwd: "${{ item.dir }}"` and an env value from the item showed item 1's `in dir` and env, the items labelled alike
// with `no values`, and y ran the step in every item's directory with its own env. Generated lists (seed 80: 2–5
// items, directories with spaces and quotes, env values drawn from a few words, some items alike), the real CLI
// in --plain: each item's line, read back as a shell word, names its directory and MODE whenever they differ
// between items; approved, each item ran where and with what its line said (each writes `pwd` and $MODE).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../hardening/helpers.js';
import { rng } from '../helpers/rng.js';
import { yamlQuoted } from '../ui/gate-corpus.js';

const DIRS = ['a', 'b b', "c'd", 'e; in dir x', 'f'];
const MODES = ['dry', 'real', 'dry; env MODE=dry', "it's"];

/** A shell word as shellQuote writes it, read back (bare, or single-quoted with '\'' inside). */
const unquote = (w: string): string => (w.startsWith("'") ? w.slice(1, -1).replace(/'\\''/g, "'") : w);

test('each item of a for_each names the directory and env it runs with, where they differ', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'runbook-items-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const rand = rng(80);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  for (let trial = 0; trial < 4; trial++) {
    const dir = join(root, String(trial));
    const items = Array.from({ length: 2 + Math.floor(rand() * 4) }, (_, i) => ({ dir: join(dir, pick(DIRS)), mode: pick(MODES), n: i }));
    for (const i of items) mkdirSync(i.dir, { recursive: true });
    const file = join(dir, 'loop.yaml');
    const at = (list: string) => `\${{ split(inputs.${list}, '|')[number(item)] }}`;
    writeFileSync(file, `name: loop\ntitle: Loop\ninputs:\n  ns: { description: n }\n  dirs: { description: d }\n  modes: { description: m }\nsteps:\n  - id: each\n    destructive: true\n    for_each:\n      in: "\${{ split(inputs.ns, '|') }}"\n      label: cache\n    shell:\n      run: ${yamlQuoted(`printf '%s|%s' "$PWD" "$MODE" > ${dir}/out.\${{ item }}`)}\n      cwd: ${yamlQuoted(at('dirs'))}\n      env: { MODE: ${yamlQuoted(at('modes'))} }\n  - id: done\n    end: resolved\n    message: ok\n`);
    const inputs = ['-i', `ns=${items.map((i) => i.n).join('|')}`, '-i', `dirs=${items.map((i) => i.dir).join('|')}`, '-i', `modes=${items.map((i) => i.mode).join('|')}`];
    const r = await cli(['run', file, ...inputs, '--plain', '--approve', 'each', '--no-transcript']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const lines = r.stdout.split('\n').filter((l) => /^ {13}\d+\. cache /.test(l));
    assert.equal(lines.length, items.length, r.stdout);
    const dirsDiffer = new Set(items.map((i) => i.dir)).size > 1;
    const modesDiffer = new Set(items.map((i) => i.mode)).size > 1;
    items.forEach((item, k) => {
      const line = lines[k]!;
      const dirShown = /; in dir ('(?:[^']|'\\'')*'|[^;\s]+)/.exec(line)?.[1];
      const modeShown = /; env MODE=('(?:[^']|'\\'')*'|[^;\s]+)/.exec(line)?.[1];
      if (dirsDiffer) assert.equal(dirShown && unquote(dirShown), item.dir, `item ${k + 1}'s directory:\n${r.stdout}`);
      if (modesDiffer) assert.equal(modeShown && unquote(modeShown), item.mode, `item ${k + 1}'s MODE:\n${r.stdout}`);
      assert.equal(readFileSync(join(dir, `out.${k}`), 'utf8'), `${item.dir}|${item.mode}`, 'the item ran where and with what its line said');
    });
  }
});
