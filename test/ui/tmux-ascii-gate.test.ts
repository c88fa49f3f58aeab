// The gate in ASCII (LANG=C), issue #44: before stop 81 the ASCII screen drew the UTF-8 gate's marks as one-column
// stand-ins a command may hold itself, so `rm -rf dir/  ` and `rm -rf dir/..` drew the same row, a tab and `>` (a
// redirection), `×3` and `x3`, a row cut at a space and a `.`. Now command text is laid out in ASCII escapes
// (src/ui/ascii-exact.ts). Generated twins (ascii-twins.ts, seed 81): at layout, at many widths, every command reads
// back from its rows; and in tmux under LANG=C at 80x24 and 40x20 (tmux's capture-pane the reader), no two distinct
// commands draw the same gate rows, and each reads back to the command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { gatePart } from '../../src/ui/frame/gate.js';
import { asciiText } from '../../src/ui/ascii-text.js';
import type { ConfirmationRequested } from '../../src/engine/events.js';
import { hasTmux, Terminal } from './terminal.js';
import { FIXTURES } from './helpers.js';
import { yamlQuoted } from './gate-corpus.js';
import { asciiTwins, readRows } from './ascii-twins.js';
import { rng } from '../helpers/rng.js';

const SEED = 81;
const gateOf = (command: string): ConfirmationRequested => ({ type: 'confirmation-requested', stepId: 'g', title: 'g', command, question: 'Run it?', risk: 'normal' } as ConfirmationRequested);

/** The `will run` rows' value column of a box drawn in ASCII (`| will run  ...  |`), padding dropped. */
function willRun(screen: string, cols: number): string[] {
  const lines = screen.split('\n');
  const at = lines.findIndex((l) => l.startsWith('| will run'));
  assert.ok(at >= 0, `no will run row:\n${screen}`);
  const out: string[] = [];
  for (let i = at; i < lines.length; i++) {
    const l = lines[i]!;
    assert.equal(l.length, cols, `a row of ${l.length} columns:\n${screen}`);
    const label = l.slice(2, 12);
    const value = l.slice(12, cols - 2).replace(/ +$/, '');
    if (!l.startsWith('|') || (i > at && label.trim()) || !value) break;
    out.push(value);
  }
  return out;
}

test('ASCII layout: every generated command reads back from its gate rows, at every width', () => {
  const rand = rng(SEED);
  for (const [a, b] of asciiTwins(SEED, 300)) {
    for (const command of [a, b]) {
      const width = 30 + Math.floor(rand() * 90);
      const rows = gatePart({ gate: gateOf(command), width, keys: 'live', active: true, ascii: true }).rows(200);
      const drawn = rows.map((r) => asciiText(r.map((s) => s.text).join('')));
      assert.ok(drawn.every((r) => r.length === width), `a row not ${width} columns:\n${drawn.join('\n')}`);
      assert.equal(readRows(willRun(drawn.join('\n'), width)), command, `at ${width} columns:\n${drawn.join('\n')}`);
    }
  }
});

for (const [cols, rows, pairs] of [[80, 24, 14], [40, 20, 8]] as const) {
  test(`${cols}x${rows}, LANG=C in tmux: distinct commands never draw the same gate rows`, { skip: !hasTmux && 'tmux not installed', timeout: 300_000 }, async () => {
    const twins = asciiTwins(SEED + cols, pairs).filter(([a, b]) => a.length + b.length < (cols === 80 ? 240 : 100));
    const commands = twins.flat();
    const dir = mkdtempSync(join(tmpdir(), 'runbook-ascii-gate-'));
    const file = join(dir, 'twins.yaml');
    const steps = commands.map((c, i) => `  - id: g-${i}\n    destructive: true\n    shell: ${yamlQuoted(c)}\n`).join('');
    writeFileSync(file, `name: twins\ntitle: Twins\ninputs:\n  file: { description: marker, required: true }\nsteps:\n${steps}  - id: done\n    end: resolved\n    message: ok\n`);
    const t = new Terminal(relative(FIXTURES, file), [], { cols, rows, env: { LANG: 'C', LC_ALL: 'C' } });
    const seen = new Map<string, string>();
    try {
      for (const [i, command] of commands.entries()) {
        const screen = await t.until(new RegExp(`CONFIRM  g-${i} [\\s\\S]*s +skip`));
        const drawn = willRun(screen, cols);
        const key = drawn.join('\n');
        const other = seen.get(key);
        assert.ok(other === undefined, `${JSON.stringify(command)} and ${JSON.stringify(other)} drew the same rows:\n${key}`);
        seen.set(key, command);
        assert.equal(readRows(drawn), command, `drawn:\n${screen}`);
        t.keys('-l', 's');
      }
    } finally {
      t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
