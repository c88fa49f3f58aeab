// tmux's own rendering as the oracle of how wide shown text is (issue #44, a probe of stop 66: a value of
// Hangul fillers, spacing marks or emoji with modifiers was drawn wider than the frame counted it, pushed the
// gate's "will run" off the screen while y was live, and drew a fake one). Generated strings (fixed seed) from a
// pool of every kind of code point that terminals disagree on are put through terminalText, printed in a real
// tmux pane, and the cursor tmux leaves behind must stand no further than displayWidth counts: a row is never
// drawn wider than the frame thinks. Then the probe's runbook itself: its gate, with the hostile value from a
// capture, shows its header, "will run" and the command on an 80x24 screen.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { eastAsianWidthType } from 'get-east-asian-width';
import { displayWidth } from '../../src/common/display-width.js';
import { terminalText } from '../../src/common/terminal-text.js';
import { rng } from '../helpers/rng.js';
import { hasTmux, TMUX } from './terminal.js';
import { BIN } from '../helpers/cli.js';

const SEED = Number(process.env.WIDTH_ORACLE_SEED ?? 6601);
const COUNT = 400;

/** Code points by the kind of disagreement they invite. */
const POOL: number[][] = [
  [0x61, 0x5a, 0x37, 0x2d, 0x20], // ASCII
  [0xe9, 0x101, 0x3b1, 0x436, 0x5d0, 0x627], // letters of one column
  [0x301, 0x308, 0x64b, 0xe31, 0x93c], // nonspacing marks
  [0x93e, 0x940, 0x9be, 0xbbe, 0xd3e], // spacing marks
  [0x4e00, 0x5e94, 0xac00, 0x3042, 0xff21, 0x20000], // wide
  [0x1100, 0x115f, 0x1160, 0x11a8, 0xa960, 0xd7b0], // Hangul jamo and fillers
  [0x1f44d, 0x1f600, 0x2764, 0x263a, 0x1f3fd, 0xfe0f, 0xfe0e, 0x200d, 0x20e3], // emoji, modifiers, selectors, joiner, keycap
  [0x1f1eb, 0x1f1f7], // regional indicators
  [0x18d00, 0x18cff, 0x1b170, 0x16ff0, 0x1f9cc], // wide in newer Unicode tables than some terminals'
  [0xe000, 0xf8ff, 0x0378, 0x2fffe, 0xe0041], // private use, unassigned, a tag character
  [0x2500, 0x2502, 0xb7, 0x2026, 0x21aa], // the frame's own, East Asian ambiguous
];

function generated(random: () => number): string {
  const n = 1 + Math.floor(random() * 8);
  let s = '';
  for (let i = 0; i < n; i++) {
    const kind = POOL[Math.floor(random() * POOL.length)]!;
    s += String.fromCodePoint(kind[Math.floor(random() * kind.length)]!);
  }
  return s;
}

describe('tmux as the oracle of a shown string\'s width', { skip: hasTmux ? false : 'tmux is not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-width-'));
  const socket = `runbook-width-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync(TMUX, ['-L', socket, ...args], { encoding: 'utf8' });
  after(() => { spawnSync(TMUX, ['-L', socket, 'kill-server']); rmSync(dir, { recursive: true, force: true }); });

  /** Where tmux leaves its cursor after drawing each string alone at the start of a cleared row: the pane asks
   *  tmux itself (a cursor position report, ESC [6n, answered on the pane's terminal in order after the text). */
  function drawnWidths(shown: string[], name: string): number[] {
    const input = join(dir, `${name}.in`), out = join(dir, `${name}.out`), done = join(dir, `${name}.done`);
    writeFileSync(input, shown.map((s) => `${s}\n`).join(''));
    const script = `stty -echo; while IFS= read -r line; do printf '\\033[2J\\033[H%s\\033[6n' "$line"; IFS='[;' read -rs -d R _ _ col < /dev/tty; echo "$((col - 1))" >> ${out}; done < ${input}; touch ${done}; sleep 60`;
    writeFileSync(join(dir, `${name}.sh`), script);
    tmux('new-session', '-d', '-x', '200', '-y', '5', '-s', name, `LC_ALL=C.UTF-8 bash ${join(dir, `${name}.sh`)}`);
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      try { readFileSync(done); break; } catch { spawnSync('sleep', ['0.2']); }
    }
    const cursors = readFileSync(out, 'utf8').trim().split('\n').map(Number);
    assert.equal(cursors.length, shown.length, 'tmux answered for every string');
    return cursors;
  }

  it(`${COUNT} generated strings (seed ${SEED}), made safe to show: tmux draws none wider than displayWidth counts`, () => {
    const random = rng(SEED);
    const shown = Array.from({ length: COUNT }, () => terminalText(generated(random)));
    const cursors = drawnWidths(shown, 'w');
    const wider = shown.map((s, i) => ({ s, drawn: cursors[i]!, counted: displayWidth(s) })).filter((x) => x.drawn > x.counted);
    assert.deepEqual(wider, [], 'drawn wider than counted');
    // Counted wider than drawn is safe (a row ends short) and happens where this tmux's table is older than
    // Unicode's (U+18CFF is nothing to it) or a lone regional indicator (one column to it, two to a flag).
    const exact = shown.filter((s, i) => cursors[i] === displayWidth(s)).length;
    assert.ok(exact >= COUNT / 2, `counted exactly as drawn: ${exact} of ${COUNT}`);
    assert.ok(shown.some((s) => s.includes('<U+')) && shown.some((s) => /[^\x00-\x7f]/.test(s)), 'some kept, some written out');
  });

  // A probe of stop 68: U+3248–U+324F, East Asian ambiguous (one column to string-width and to the frame), are two
  // to glibc's wcwidth and so to tmux; a captured value of them pushed "will run" off the screen while y was live.
  // Every ambiguous code point there is (not private use), alone and after a letter: the whole class, not a sample.
  it('every East Asian ambiguous code point, and 4,000 others, made safe to show: tmux draws none wider than displayWidth counts', () => {
    const ambiguous: string[] = [];
    for (let c = 0xa0; c < 0x110000; c++) {
      if (c >= 0xd800 && c < 0xe000) continue;
      const ch = String.fromCodePoint(c);
      if (!/[\p{Co}\p{Cn}]/u.test(ch) && eastAsianWidthType(c) === 'ambiguous') ambiguous.push(ch);
    }
    assert.ok(ambiguous.length > 1000, `${ambiguous.length} ambiguous code points`);
    // And 4,000 drawn from every assigned code point (fixed seed), alone: what no pool above thought of.
    const random = rng(SEED + 1);
    const any: string[] = [];
    while (any.length < 4000) {
      const ch = String.fromCodePoint(Math.floor(random() * 0x40000));
      if (!/[\p{Co}\p{Cn}\p{Cs}]/u.test(ch)) any.push(ch);
    }
    const shown = [...ambiguous.flatMap((ch) => [terminalText(ch), terminalText(`a${ch}`)]), ...any.map(terminalText)];
    const cursors = drawnWidths(shown, 'a');
    const wider = shown.map((s, i) => ({ s, drawn: cursors[i]!, counted: displayWidth(s) })).filter((x) => x.drawn > x.counted);
    assert.deepEqual(wider, [], 'drawn wider than counted');
  });

  for (const [what, ch, shown] of [['Hangul fillers', '\u115f', '<U+115F>'], ['circled numbers on black squares (stop 68)', '\u324f', '<U+324F>']] as const) {
  it(`the probe's gate: a captured value of ${what} in blast_radius leaves the header and "will run" on an 80x24 screen while y is live`, () => {
    writeFileSync(join(dir, 'data.txt'), `${ch.repeat(1000)}\n`);
    const marker = join(dir, 'MARKER');
    writeFileSync(join(dir, 'w3.yaml'), `name: w3
title: End idle sessions
steps:
  - id: look
    title: List the idle sessions
    shell: cat ${join(dir, 'data.txt')}
    capture: sessions
  - id: act
    title: End sessions
    destructive: true
    blast_radius: "\${{ sessions.stdout }}"
    confirm: End them now?
    shell: touch ${marker}
    on: { skipped: stop }
  - { id: done, end: resolved, message: done }
  - { id: stop, end: escalate, message: skipped }
`);
    tmux('new-session', '-d', '-x', '80', '-y', '24', '-s', 'g', `env CI=true NO_COLOR=1 ${process.execPath} ${BIN} run ${join(dir, 'w3.yaml')} --no-transcript; sleep 60`);
    let screen = '';
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !screen.includes('End them now?')) { spawnSync('sleep', ['0.2']); screen = tmux('capture-pane', '-p', '-t', 'g'); }
    assert.match(screen, /End them now\?/, screen);
    assert.match(screen, /CONFIRM\s+act/, `the gate's head is on screen:\n${screen}`);
    assert.match(screen, /will run\s+touch /, `"will run" and the command are on screen:\n${screen}`);
    assert.ok(screen.includes(shown), `the value is written out:\n${screen}`);
    tmux('send-keys', '-t', 'g', 's');
    tmux('kill-session', '-t', 'g');
  });
  }
});
