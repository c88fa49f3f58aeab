// Where a here-document ends decides which lines bash runs as commands. The lint read bodies with one rule (a
// line equal to the delimiter) and bash has three more, each of which ran a line the lint had read as body text:
// an unquoted body joins a line ending in a backslash to the next (`EO\` + `F` ends `<<EOF`), a delimiter with
// `$` in it is taken literally, and inside $( … ) bash 5.2 ends the body at a line that only begins with the
// delimiter and runs the rest of it (`EOFtouch x)`); a backtick substitution joins backslash-newlines before
// anything else. Differential: generated scripts are run by bash in a scratch directory, and every one the lint
// proves a read must leave the marker file uncreated.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
// The reader's and the tables' verdict on the author's text (allowlistFindings); a step is proven only when its
// text is in the subset as well (shell-plan.ts, test/language/shell-plan*.test.ts).
import { allowlistFindings as shellDanger } from '../../src/language/validate/shell-lint.js';

const DELIMITERS = ['EOF', "'EOF'", '"EOF"', 'E\\OF', 'E"O"F', "E''OF", '-EOF', 'E$x', '"E$x"', "$'EOF'", 'EOF#', '\\EOF', 'E${x}'];
const OPS = ['<<', '<<-', '<< ', '<<- '];
/** Lines that may end a body where the lint does not expect it (for the delimiter written `d`). */
function terminators(d: string): string[] {
  const plain = d.replace(/^\$(?=['"])/, '').replace(/['"\\]/g, '');
  return [plain, d, `${plain} `, ` ${plain}`, `\t${plain}`, `${plain})`, `${plain};`, `${plain}\\`, `${plain.slice(0, -1)}\\\n${plain.slice(-1)}`,
    `\\\n${plain}`, `${plain}\r`, `${plain}X)`, `${plain}\``];
}
type Shape = (op: string, d: string, body: string) => string;
const SHAPES: Shape[] = [
  (op, d, b) => `cat ${op}${d}\n${b}\n${d}\n`,
  (op, d, b) => `x=$(cat ${op}${d}\n${b}\n${d}\n)\n`,
  (op, d, b) => `echo "$(cat ${op}${d}\n${b}\n${d}\n)"\n`,
  (op, d, b) => `echo \`cat ${op}${d}\n${b}\n${d}\n\`\n`,
  (op, d, b) => `cat <(cat ${op}${d}\n${b}\n${d}\n)\n`,
  (op, d, b) => `cat ${op}${d} | cat\n${b}\n${d}\n`,
  (op, d, b) => `f() { cat ${op}${d}\n${b}\n${d}\n}\nf\n`,
  (op, d, b) => `while read -r l; do echo "$l"; done ${op}${d}\n${b}\n${d}\n`,
];

describe('here-documents end where bash ends them, or the script is not proven', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-heredoc-'));
  const marker = join(dir, 'M');
  const acts = (script: string) => {
    rmSync(marker, { force: true });
    spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd: dir, stdio: 'ignore', timeout: 10_000, input: '' });
    return existsSync(marker);
  };
  const hidden = `touch ${marker}`;

  test('each of bash\'s other endings runs a line that reads as body text (the corpus is real), and is refused', () => {
    const cases = [
      `cat <<EOF\nx\nEO\\\nF\n${hidden}\nEOF\n`,                 // joined lines in an unquoted body
      `cat <<-EOF\nx\n\tEO\\\nF\n${hidden}\nEOF\n`,
      `cat <<E$x\nx\nE$x\n${hidden}\nE$x\n`,                      // $ in the delimiter, taken literally
      `cat <<"E$x"\nx\nE$x\n${hidden}\n"E$x"\n`,
      `x=$(cat <<EOF\nx\nEOF)\n${hidden}\nEOF\n)\n`,               // a line beginning with the delimiter in $( … )
      `x=$(cat <<'EOF'\nx\nEOF${hidden})\nEOF\n)\n`,
      `cat <(cat <<EOF\nx\nEOF)\n${hidden}\nEOF\n)\n`,
      `echo \`cat <<'EOF'\nx\nEO\\\nF\n${hidden}\n'EOF'\n\`\n`,   // a backtick body joins lines first
    ];
    for (const s of cases) {
      assert.ok(acts(s), `bash did not run the hidden line: ${JSON.stringify(s)}`);
      assert.ok(shellDanger(s), `should not be proven: ${JSON.stringify(s)}`);
    }
  });

  test('generated: no script the lint proves a read runs a line hidden after a possible ending (run by bash)', () => {
    let proven = 0;
    fc.assert(fc.property(fc.constantFrom(...SHAPES), fc.constantFrom(...OPS), fc.constantFrom(...DELIMITERS), fc.nat(40), (shape, op, d, k) => {
      const ends = terminators(d);
      const script = shape(op, d, `x\n${ends[k % ends.length]}\n${hidden}`);
      if (shellDanger(script)) return;
      proven++;
      assert.ok(!acts(script), `proven a read, yet bash ran the hidden line: ${JSON.stringify(script)}`);
    }), { numRuns: 400 });
    assert.ok(proven > 100, `the generator proves enough scripts to test (${proven})`);
  });

  test('ordinary here-documents stay proven reads', () => {
    for (const s of ['cat <<EOF\nhello $USER\nEOF\n', "cat <<'EOF'\nEO\\\nF\n$(not run)\nEOF\n", 'x=$(cat <<EOF\nbody\nEOF\n)\necho "$x"\n',
      'cat <<-EOF\n\tindented\n\tEOF\n', 'grep -c x <<EOF\na \\\nb\nEOF\n', 'while read -r l; do echo "$l"; done <<EOF\na\nb\nEOF\n']) {
      assert.equal(shellDanger(s), undefined, JSON.stringify(s));
    }
  });

  test.after(() => rmSync(dir, { recursive: true, force: true }));
});
