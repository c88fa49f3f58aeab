// The engine writes each ${{ }} value's reference by where the hole stands (holeContexts: "${V}" outside quotes,
// ${V} inside "…", '"${V}"' inside '…'), and that small reader of quotes took a quote in a comment after ';',
// '&' or '|' (`echo;# "`: bash's comment, the reader's opening quote) for a string: it wrote a bare ${V} where
// bash reads it unquoted, so the value split into words. `find . -name ${{ inputs.pattern }}` with pattern =
// 'zzz -o -delete' deleted the directory's files in a step that validated clean (the CLI, end to end). Now
// validate writes the references as the engine does and asks the lint's own reader, the one tested against
// bash, whether any stands unquoted. Generated over the ways to misplace a quote and where the hole stands; each
// is run by bash as the engine writes it first.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseRunbook } from '../../src/language/runbook.js';
import { HOLE, holeContexts, holeReference } from '../../src/language/shell-holes.js';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';

/** A line bash ends in a comment holding a quote, which the engine's quote reader may take for an opening one. */
const COMMENTS = [(q: string) => `echo;# ${q}`, (q: string) => `echo ok;#${q}`, (q: string) => `true&&# ${q}\n:`, (q: string) => `false||# ${q}\n:`, (q: string) => `echo|# ${q}\ncat`,
  (q: string) => `echo hi&# ${q}\nwait`];
/** Where the hole stands for each quote: outside quotes after a stray ", inside "…" after a stray '. */
const LINES: [string, (h: string) => string][] = [['"', (h) => `printf '[%s]\\n' ${h}`], ["'", (h) => `printf '[%s]\\n' "${h}"`], ['"', (h) => `printf '[%s]\\n' x${h}y`]];

const yaml = (script: string) => `name: t\ntitle: T\nsteps:\n  - id: s\n    shell: |\n${script.split('\n').map((l) => `      ${l}`).join('\n')}\n  - id: done\n    end: resolved\n`;

describe("a value's reference never stands where bash reads it unquoted", () => {
  test('generated: bash splits the value as the engine writes the script, and validate refuses it', () => {
    const cases = fc.sample(fc.tuple(fc.constantFrom(...COMMENTS), fc.constantFrom(...LINES)), { numRuns: 30, seed: 67 });
    for (const [comment, [quote, line]] of cases) {
      const marked = `${comment(quote)}\n${line(HOLE)}`;
      const contexts = holeContexts(marked);
      const rendered = marked.replace(HOLE, holeReference(contexts[0] ?? 'word', '${RUNBOOK_V1}'));
      const r = spawnSync('bash', ['-c', rendered], { env: { PATH: process.env.PATH, RUNBOOK_V1: 'a b' }, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
      assert.match(r.stdout, /\[[x']?a\]\n\[b[y']?\]/, `bash did not split the value (the case is not real): ${JSON.stringify(rendered)} -> ${r.stdout}`);
      const script = `${comment(quote)}\n${line('${{ inputs.v }}')}`;
      const found = parseRunbook(yaml(script).replace('steps:', 'inputs:\n  v: { description: v }\nsteps:'), 't.yaml').diagnostics.filter((d) => d.code === 'shell-hole');
      assert.equal(found.length, 1, `should be refused: ${script}`);
    }
  });

  test('a comment on a line of its own, or quoted text, keeps the value quoted and the step valid', () => {
    for (const script of ['# say "hello\nfind . -name ${{ inputs.v }}', 'echo "a;# b"\nfind . -name ${{ inputs.v }}', "echo 'it''s'\nprintf '%s\\n' \"${{ inputs.v }}\"", 'echo; # note\ncat -- ${{ inputs.v }}',
      'echo ${y:-${{ inputs.v }}}', 'echo $(cat -- ${{ inputs.v }})', 'x=$(echo ${{ inputs.v }}); echo "$x"', 'echo `echo ${{ inputs.v }}`', 'echo "${y:-"a ${{ inputs.v }}"}"',
      'echo;# "\necho $(echo ${{ inputs.v }})']) {
      // Outside the proven subset they need marking (unsafe-unmarked); the value's quoting is what is checked here.
      const found = parseRunbook(yaml(script).replace('steps:', 'inputs:\n  v: { description: v }\nsteps:'), 't.yaml').diagnostics.filter((d) => d.severity === 'error' && d.code !== 'unsafe-unmarked');
      assert.deepEqual(found.map((d) => d.message), [], script);
    }
  });

  test('end to end: the find step is refused before anything runs, and the files stay', async (t) => {
    const dir = scratch(t);
    const files = join(dir, 'files');
    mkdirSync(files);
    for (const f of ['a', 'b', 'c']) writeFileSync(join(files, f), 'x\n');
    const file = writeRunbook(dir, 'find', `name: find\ntitle: Find a file by name\ninputs:\n  pattern: { description: a name }\nsteps:\n  - id: look\n    shell:\n      run: |\n        echo;# "\n        find . -name \${{ inputs.pattern }}\n      cwd: ${files}\n  - id: done\n    end: resolved\n`);
    const r = await cli(['run', file, '--plain', '--no-transcript', '--input', 'pattern=zzz -o -delete']);
    assert.notEqual(r.code, 0, r.stdout);
    assert.match(r.stdout + r.stderr, /shell-hole/);
    assert.deepEqual(readdirSync(files).sort(), ['a', 'b', 'c']);
    assert.ok(existsSync(join(files, 'a')));
  });
});
