// What the terminal can show, in a real terminal (issue 49): colour comes from terminfo's `colors` (TERM=xterm-mono
// says -1: no colour, bold and inverse only; xterm-256color: colour), and characters from the locale (LC_ALL=C or
// LANG=C: the frame in ASCII, boxes + - |, marks and spinner; a UTF-8 locale: box drawing). Each is chosen once at
// start (src/ui/term-caps.ts, ascii-text.ts), and the gate still answers y.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after } from 'node:test';
import { Tmux, TMUX } from '../hardening/tmux.js';
import { scratch } from '../hardening/helpers.js';
import { join } from 'node:path';
import { FIXTURES } from './helpers.js';
import { hasTmux, Terminal } from './terminal.js';

const dir = scratch({ after });
const rb = join(FIXTURES, 'create-file.yaml');
// A colour escape: SGR 30-37, 90-97, 38;5;n (foreground).
const COLOUR = /\u001b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|38;5;\d+)(?:;[0-9;]*)?m/;

for (const [term, coloured] of [['xterm-mono', false], ['xterm-256color', true]] as const) {
  test(`TERM=${term}: ${coloured ? 'colour' : 'no colour'} (terminfo colors), NO_COLOR unset`, { skip: !TMUX && 'tmux not installed', timeout: 60_000 }, async (t) => {
    const term_ = new Tmux(dir, ['run', rb, '--no-transcript', '-i', `file=${join(dir, `marker-${term}`)}`], { term, color: true, cols: 80, rows: 24 });
    t.after(() => term_.close());
    await term_.until(/y +run +s +skip/);
    const styled = term_.styled();
    assert.equal(COLOUR.test(styled), coloured, styled);
    assert.match(styled, /\u001b\[[0-9;]*1[;m]/, 'bold is kept either way');
    term_.keys('y');
    assert.equal(await term_.exitCode(), 0);
  });
}

for (const [env, ascii] of [[{ LC_ALL: 'C' }, true], [{ LC_ALL: '', LANG: 'C' }, true], [{ LC_ALL: '', LANG: 'C.UTF-8' }, false]] as const) {
  test(`${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')}: the frame in ${ascii ? 'ASCII' : 'UTF-8'}`, { skip: !hasTmux && 'tmux not installed', timeout: 60_000 }, async () => {
    const t = new Terminal('create-file.yaml', [], { cols: 80, rows: 24, env });
    try {
      const screen = await t.until(/y +run +s +skip/);
      if (ascii) {
        assert.match(screen, /^[\x20-\x7e\n]*$/, `a character outside ASCII:\n${screen}`);
        assert.match(screen, /^\+-{78}\+$/m, 'the box in ASCII');
        assert.match(screen, /^\+ look .* > create-marker$/m, 'marks in ASCII');
      } else {
        assert.match(screen, /^╭─{78}╮$/m);
        assert.match(screen, /^✓ look .* → create-marker$/m);
      }
      for (const row of screen.split('\n')) assert.ok([...row].length <= 80, row);
      t.keys('y');
      assert.equal(await t.exitCode(), 0);
      assert.ok(existsSync(t.file));
    } finally { t.close(); }
  });
}
