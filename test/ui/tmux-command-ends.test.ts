// The ends of a gated command in a real terminal (a probe of stop 80): every screen trimmed the command with
// JavaScript's `\s`, which takes U+00A0, U+3000, U+2028, U+FEFF, \v, \f and \r for space where bash reads them as
// word characters: `. ./lib.sh` ⏎ `log clearing` ⏎ U+00A0 was drawn as its first two lines, and y ran the function
// named U+00A0 that lib.sh defined. Now only the line breaks at the ends are left out (src/ui/command-body.ts).
// In tmux at 80x24 and 40x20, a generated corpus (seed 80) of such ends: as tmux drew each gate, its `will run`
// rows name every character of the command outside printable ASCII as often as the command holds it; the probe's
// own script shows its last line as ‹U+00A0› before y runs it. --plain's gate and the start line likewise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { hasTmux, Terminal } from './terminal.js';
import { FIXTURES } from './helpers.js';
import { yamlQuoted } from './gate-corpus.js';
import { commandEnds, drawn, mustShow, named } from './command-ends.js';
import { PlainFormatter } from '../../src/ui/plain/plain-format.js';
import { paint } from '../../src/ui/plain/paint.js';
import { commandLine } from '../../src/ui/format.js';

const SEED = 80;
const corpus = commandEnds(SEED, 10);
const NBSP = '\u00a0';

function runbook(dir: string): string {
  const lib = join(dir, 'lib.sh');
  writeFileSync(lib, `log() { echo "[cache] $*"; }\n${NBSP}() { touch ${join(dir, 'HIDDEN')}; }\n`);
  const steps = corpus.map((c, g) => `  - id: g${g}\n    destructive: true\n    shell: ${yamlQuoted(c)}\n`);
  steps.push(`  - id: lib\n    title: clear the cache\n    destructive: true\n    shell: ${yamlQuoted(`. ${lib}\nlog clearing\n${NBSP}`)}\n`);
  const file = join(dir, 'ends.yaml');
  writeFileSync(file, `name: command-ends\ntitle: Command ends\ninputs:\n  file: { description: marker, required: true }\nsteps:\n${steps.join('')}  - id: done\n    end: resolved\n    message: ok\n`);
  return file;
}

/** The gate's `will run` rows as tmux drew them: from its label to the `on` row. */
function willRun(screen: string): string {
  const lines = screen.split('\n');
  const from = lines.findIndex((l) => /^│ will run /.test(l));
  const to = lines.findIndex((l, i) => i > from && /^│ on {8}/.test(l));
  assert.ok(from >= 0 && to > from, `no will run … on rows:\n${screen}`);
  return lines.slice(from, to).join('\n');
}

for (const [cols, rows] of [[80, 24], [40, 20]] as const) {
  test(`${cols}x${rows}: the gate draws every character at a command's ends; y runs what it drew`, { skip: !hasTmux && 'tmux not installed', timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-ends-'));
    const t = new Terminal(relative(FIXTURES, runbook(dir)), [], { cols, rows });
    try {
      for (const [g, command] of corpus.entries()) {
        const gate = await t.until(new RegExp(`CONFIRM  g${g} [\\s\\S]*s +skip`));
        assert.doesNotMatch(gate, /more (line|row)/, `gate g${g} does not fit: the corpus is too long for ${cols}x${rows}`);
        assert.deepEqual(named(drawn(willRun(gate))), named(mustShow(command)), `gate g${g} of ${JSON.stringify(command)}:\n${gate}`);
        t.keys('-l', 's');
      }
      const gate = await t.until(/CONFIRM  lib [\s\S]*y +run/);
      assert.match(willRun(gate), /^│ +‹U\+00A0› +│$/m, `the script's last line is not drawn:\n${gate}`);
      t.keys('-l', 'y');
      assert.equal(await t.exitCode(), 0);
      assert.ok(existsSync(join(dir, 'HIDDEN')), 'the confirmed script ran its last line');
    } finally {
      t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('--plain\'s gate and the start line draw every character at a command\'s ends', () => {
  const f = new PlainFormatter(paint(false));
  for (const command of corpus) {
    const lines = f.format({ type: 'confirmation-requested', stepId: 'g', title: 'g', command, question: '?', risk: 'normal', resumed: false });
    const would = lines.filter((l) => /^ {2}(would run: | {11})/.test(l)).join('\n');
    assert.deepEqual(named(drawn(would)), named(mustShow(command)), `${JSON.stringify(command)}:\n${lines.join('\n')}`);
    // The start line draws the first line and counts the rest: the first line's characters, and every line counted.
    const body = command.replace(/^\n+|\n+$/g, '').split('\n');
    const start = commandLine(command);
    assert.deepEqual(named(drawn(start.replace(/ \(\+\d+ more lines?\)$/, ''))), named(mustShow(body[0]!)), start);
    assert.equal(Number(/\(\+(\d+) more/.exec(start)?.[1] ?? 0), body.length - 1, start);
  }
});
