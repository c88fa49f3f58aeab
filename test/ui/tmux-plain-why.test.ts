// Plain mode from a terminal says why, and paints only where colour shows (issue #30): a run piped through tee
// from a terminal says in one line that its output is not a terminal; TERM=dumb gets no colour codes (while a
// terminal that can draw, piped the same way, gets none either: its output is the pipe). In real tmux.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TMUX, Tmux } from '../hardening/tmux.js';
import { FIXTURES } from './helpers.js';

const SGR = /\u001b\[[0-9;]*m/;
const args = (dir: string) => ['run', join(FIXTURES, 'create-file.yaml'), '--no-transcript', '-i', `file=${join(dir, 'marker')}`];

describe('plain mode from a terminal', { skip: !TMUX && 'tmux not installed', concurrency: true }, () => {
  for (const [cols, rows] of [[60, 20], [80, 24], [132, 43]] as const) {
  test(`${cols}x${rows}, piped to tee: one line says why the terminal UI is not drawn`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-plain-why-'));
    const t = new Tmux(dir, args(dir), { piped: true, term: 'xterm-256color', cols, rows });
    try {
      await t.until('STOPPED');
      const screen = t.history();
      // One line of the CLI's (the terminal may wrap it on a narrow screen): said once.
      assert.equal(screen.split('plain mode:').length - 1, 1, screen);
      assert.match(screen.replace(/\n/g, ''), /plain mode: the output is not a terminal \(piped, e\.g\. to tee\)/);
      assert.equal(await t.exitCode(), 1);
    } finally {
      t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const term of ['dumb', 'xterm-256color'] as const) {
    test(`${cols}x${rows}, TERM=${term}, NO_COLOR unset: ${term === 'dumb' ? 'no colour codes at all' : 'the terminal UI, in colour'}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'runbook-plain-why-'));
      const t = new Tmux(dir, args(dir), { term, color: true, cols, rows });
      try {
        if (term === 'dumb') {
          await t.until('STOPPED');
          assert.doesNotMatch(t.styled(), SGR, `colour codes on a dumb terminal:\n${JSON.stringify(t.styled())}`);
          assert.match(t.history().replace(/\n/g, ''), /plain mode: this terminal \(TERM=dumb\)/);
        } else {
          // The control: the same CLI does paint where colour shows.
          await t.until(/y +run/);
          assert.match(t.styled(), SGR);
          t.keys('a');
        }
        await t.exitCode();
      } finally {
        t.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
  }
});
