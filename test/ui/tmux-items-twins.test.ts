// A for_each gate's items wrapped (a probe of stop 81): the rows of an item were wrapped as prose, a row cut at a
// space dropped it unmarked and a row's trailing space was lost in the padding, so labels differing by one space
// (`…q  bbbb`, `…q bbbb`) drew the same rows, at the gate and in its c view. Now items wrap as command text does
// (the space a row is cut at drawn ·; in ASCII every space kept: visible-text.ts, ascii-exact.ts). Generated twins
// (items-twins.ts, seed 81): at layout, at many widths, in UTF-8 and ASCII, distinct labels never draw the same
// rows; and in tmux at 40x20 (capture-pane the reader) likewise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { gatePart } from '../../src/ui/frame/gate.js';
import { confirmationPage } from '../../src/ui/frame/pages.js';
import { asciiText } from '../../src/ui/ascii-text.js';
import type { ConfirmationRequested } from '../../src/engine/events.js';
import { hasTmux, Terminal } from './terminal.js';
import { FIXTURES } from './helpers.js';
import { itemTwins } from './items-twins.js';
import { rng } from '../helpers/rng.js';

const SEED = 81;
const gateOf = (label: string): ConfirmationRequested => ({ type: 'confirmation-requested', stepId: 'g', title: 'g', command: 'true', question: 'Run it?', risk: 'normal', items: [{ label, detail: 'no values' }] } as ConfirmationRequested);
const text = (rows: { text: string }[][], ascii: boolean): string[] => rows.map((r) => r.map((s) => s.text).join('')).map((r) => (ascii ? asciiText(r) : r));

/** The item rows of a screen or a list of rows: from the `for each` label to the next label or blank value. */
function itemRows(lines: string[], valueAt: number): string[] {
  const at = lines.findIndex((l) => /^. for each/.test(l) || /^for each/.test(l));
  assert.ok(at >= 0, `no for each:\n${lines.join('\n')}`);
  const out: string[] = [];
  for (let i = at + 1; i < lines.length; i++) {
    const l = lines[i]!;
    const value = l.slice(valueAt).replace(/ *[│|]?\s*$/, '');
    if (l.slice(0, valueAt).replace(/[│|]/, '').trim() || !value) break;
    out.push(value);
  }
  return out;
}

test('layout: labels differing by a space never draw the same item rows (gate and c view, UTF-8 and ASCII)', () => {
  const rand = rng(SEED);
  for (const ascii of [false, true]) {
    for (let round = 0; round < 40; round++) {
      const width = 30 + Math.floor(rand() * 60);
      const value = width - 14;
      const seen = new Map<string, string>();
      for (const label of itemTwins(SEED + round, 12, value - 8, value - 1).flat()) {
        const gate = text(gatePart({ gate: gateOf(label), width, keys: 'live', active: true, ascii }).rows(200), ascii);
        const page = text(confirmationPage(gateOf(label), width, ascii).lines, ascii);
        const key = `${itemRows(gate, 12).join('\n')}\n--\n${itemRows(page, 10).join('\n')}`;
        const other = seen.get(key);
        assert.ok(other === undefined || other === label, `${JSON.stringify(label)} and ${JSON.stringify(other)} drew alike at ${width} (ascii ${ascii}):\n${key}`);
        seen.set(key, label);
      }
    }
  }
});

test('40x20 in tmux: labels differing by a space never draw the same item rows', { skip: !hasTmux && 'tmux not installed', timeout: 300_000 }, async () => {
  const labels = itemTwins(SEED, 8, 19, 23).flat();
  const dir = mkdtempSync(join(tmpdir(), 'runbook-items-twins-'));
  const file = join(dir, 'items.yaml');
  const steps = labels.map((l, i) => `  - id: g-${i}\n    destructive: true\n    for_each: { in: ${JSON.stringify(JSON.stringify([l]))}, label: "\${{ item }}" }\n    shell: "true"\n`).join('');
  writeFileSync(file, `name: items\ntitle: Items\ninputs:\n  file: { description: marker, required: true }\nsteps:\n${steps}  - id: done\n    end: resolved\n    message: ok\n`);
  const t = new Terminal(relative(FIXTURES, file), [], { cols: 40, rows: 20 });
  const seen = new Map<string, string>();
  try {
    for (const [i, label] of labels.entries()) {
      const screen = await t.until(new RegExp(`CONFIRM  g-${i} [\\s\\S]*s +skip`));
      const key = itemRows(screen.split('\n'), 12).join('\n');
      const other = seen.get(key);
      assert.ok(other === undefined, `${JSON.stringify(label)} and ${JSON.stringify(other)} drew the same rows:\n${screen}`);
      seen.set(key, label);
      t.keys('-l', 's');
    }
  } finally {
    t.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
