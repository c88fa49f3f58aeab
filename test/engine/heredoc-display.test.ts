// The command the gate shows of a here-document is what runs (a probe of stop 66): a value in an unquoted
// here-document runs as data (bash expands ${RUNBOOK_V1} once, and no further), but it was shown pasted in raw, so
// a value ending in \ showed the delimiter joined to it and the script's next lines as the document's data, and
// $(…) looked like code. The shown text, read by bash itself, must give what the script gives: generated values
// (fixed seed) of the characters bash treats specially there.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { renderShell } from '../../src/engine/render.js';
import { rng } from '../helpers/rng.js';

const PIECES = ['a', ' ', '\\', '$', '`', '(', ')', '{', '}', '"', "'", 'x', '$(echo hi)', '`id`', '${HOME}', '\\\\', '$$', 'EOF', '\t'];
const TEMPLATE = 'cat <<EOF\nnote: ${{ inputs.v }}\nEOF\necho after\n';

test('a value in an unquoted here-document: bash reads the shown script as it runs the real one (600 generated values)', () => {
  const random = rng(6602);
  for (let n = 0; n < 600; n++) {
    const v = Array.from({ length: 1 + Math.floor(random() * 6) }, () => PIECES[Math.floor(random() * PIECES.length)]!).join('');
    const r = renderShell(TEMPLATE, { inputs: { v } });
    // stdin not a socket: a bash at shell level 1 whose stdin is one (Node's pipes are) sources ~/.bashrc (100 ms here).
    const bash = (script: string) => spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH, RUNBOOK_V1: v }, stdio: ['ignore', 'pipe', 'pipe'] }).stdout;
    assert.equal(bash(r.display), bash(r.script), `${JSON.stringify(v)} shown as\n${r.display}`);
  }
});
