// In a locale that is not UTF-8 (LANG=C) the screen is drawn in ASCII (ascii-text.ts): the escape `‹U+00A0›` is drawn
// `<U+00A0>`, which a command can write in ASCII. A probe of stop 80: `cat config<U+00A0>victim` (bash: a
// redirection that empties victim) and `cat config` U+00A0 `victim` (a read) drew the same row at an 80x24 tmux.
// Now the command's own `<` before `U+` is named (visible-text.ts exactLine), so every `<U+` on screen opens an
// escape. Generated commands (seed 80) of such spellings and the characters they name, drawn as the ASCII screen
// draws them, read back to the command; and both probe commands in tmux with LANG=C, drawn apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { asciiText } from '../../src/ui/ascii-text.js';
import { exactLine } from '../../src/ui/visible-text.js';
import { rng } from '../helpers/rng.js';
import { hasTmux, Terminal } from './terminal.js';
import { FIXTURES } from './helpers.js';
import { yamlQuoted } from './gate-corpus.js';

const PIECES = ['<', 'U+', '00A0', '>', 'a', ' ', '<U+00A0>', '<U+200D>', '<U+', 'U+003C>', '‹', '›', '\u00a0', '\u200d', '\u2026', '\u00d7', '<<', '->'];

/** An ASCII screen's row read back: each `<U+hex>` (×N as `xN`) one character, the rest as written. */
const readBack = (row: string): string => row.replace(/<U\+([0-9A-F]{4,6})>(?:x(\d+))?/g, (_, h: string, n?: string) => String.fromCodePoint(parseInt(h, 16)).repeat(Number(n ?? 1)));

test('in ASCII, every command reads back from its row: a `<U+` the command wrote is never an escape', () => {
  const rand = rng(80);
  for (let i = 0; i < 400; i++) {
    // Never ending in a space (drawn ·) nor holding runs of spaces: those marks have their own tests.
    const s = `c${Array.from({ length: 1 + Math.floor(rand() * 6) }, () => PIECES[Math.floor(rand() * PIECES.length)]!).join('').replace(/ {2,}/g, ' ')}z`;
    const row = asciiText(exactLine(s));
    assert.equal(readBack(row), s, `${JSON.stringify(s)} drawn ${row}`);
  }
});

test('80x24, LANG=C: a command writing `<U+00A0>` and one holding U+00A0 are drawn apart', { skip: !hasTmux && 'tmux not installed', timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-ascii-'));
  const file = join(dir, 'ascii.yaml');
  writeFileSync(file, `name: ascii\ntitle: ASCII\ninputs:\n  file: { description: marker, required: true }\nsteps:\n  - id: redirect\n    destructive: true\n    shell: ${yamlQuoted('cat config<U+00A0>victim')}\n  - id: read\n    destructive: true\n    shell: ${yamlQuoted('cat config\u00a0victim')}\n  - id: done\n    end: resolved\n    message: ok\n`);
  const t = new Terminal(relative(FIXTURES, file), [], { cols: 80, rows: 24, env: { LANG: 'C', LC_ALL: 'C' } });
  try {
    const rowOf = (screen: string) => /will run +(\S+ \S+)/.exec(screen)?.[1];
    const redirect = rowOf(await t.until(/CONFIRM  redirect[\s\S]*s +skip/));
    t.keys('-l', 's');
    const read = rowOf(await t.until(/CONFIRM  read[\s\S]*s +skip/));
    t.keys('-l', 's');
    assert.equal(read, 'cat config<U+00A0>victim');
    assert.equal(redirect, 'cat config<U+003C>U+00A0>victim');
  } finally {
    t.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
