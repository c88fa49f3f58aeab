// find reads every word after its starting points as one expression, so a value bash splits into several words
// adds primaries: `find . -name $x` with x = 'zzz -o -delete' (a line read from a file) deleted the directory's
// files in a step the lint proved a read, and `-exec cat $x {} +` can end the command early (`… ; -delete`).
// A file name is a value too: `-exec sh -c 'echo {}' \;` ran a file named '$(touch M)' as code. Generated over
// find's valued primaries and the values that split or glob; each first run by bash in a
// scratch directory, where it must really delete the victim file.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
// The reader's and the tables' verdict on the author's text (allowlistFindings); a step is proven only when its
// text is in the subset as well (shell-plan.ts, test/language/shell-plan*.test.ts).
import { allowlistFindings as shellDanger } from '../../src/language/validate/shell-lint.js';

const VALUED = ['-name', '-iname', '-path', '-ipath', '-wholename', '-regex', '-newer'];
const SPLITS = ['$x', '${x}', '$(cat v)', '`cat v`', '${x:-a}'];

describe('find: a value bash may split is not proven', () => {
  const root = mkdtempSync(join(tmpdir(), 'runbook-find-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  /** Runs `script` in a fresh directory holding the victim; whether the victim is gone. */
  const deletes = (script: string, value: string) => {
    const dir = mkdtempSync(join(root, 'd-'));
    mkdirSync(join(dir, 'w'));
    writeFileSync(join(dir, 'w', 'victim'), 'x');
    writeFileSync(join(dir, 'v'), `${value}\n`);
    spawnSync('bash', ['-e', '-o', 'pipefail', '-c', `read -r x < v; cd w; ${script}`], { cwd: dir, stdio: 'ignore', timeout: 10_000, input: '' });
    return !existsSync(join(dir, 'w', 'victim'));
  };

  test('generated: a split value after a valued primary adds -delete; bash deletes, the lint refuses', () => {
    fc.assert(fc.property(fc.constantFrom(...VALUED), fc.constantFrom(...SPLITS), (primary, ref) => {
      const value = primary === '-newer' ? '../v -o -delete' : 'zzz -o -delete'; // v is written after the victim: not newer
      const script = `find . ${primary} ${ref.replace('cat v', 'cat ../v')}`;
      assert.ok(deletes(script, value), `bash did not delete (the case is not real): ${script}`);
      assert.ok(shellDanger(script), `should not be proven: ${script}`);
    }), { numRuns: 40 });
  });

  test('a split word inside -exec may end the command and add primaries', () => {
    const script = 'find . -type f -exec cat $x {} +';
    assert.ok(deletes(script, '/dev/null ; -delete -exec cat'), 'bash did not delete');
    assert.ok(shellDanger(script), script);
  });

  test('generated: -exec code with {} inside a word runs a file name as code; the $1 form does not', () => {
    const names = ['$(touch MARK)', '`touch MARK`', 'a;touch MARK', "a';touch MARK;'"];
    const code = ["sh -c 'echo {}'", "bash -c 'cat \"{}\" 2>/dev/null'", "sh -c 'test -f {}'", "sh -c 'ls -- {}'"];
    const runs = (name: string, script: string) => {
      const dir = mkdtempSync(join(root, 'x-'));
      writeFileSync(join(dir, name), 'x');
      spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd: dir, stdio: 'ignore', timeout: 10_000, input: '' });
      return existsSync(join(dir, 'MARK'));
    };
    fc.assert(fc.property(fc.constantFrom(...names), fc.constantFrom(...code), fc.constantFrom('-exec', '-execdir'), (name, c, exec) => {
      const script = `find . -type f ${exec} ${c} \\;`;
      if (!runs(name, script)) return; // this name is not code in this command (quoted by it): nothing to show
      assert.ok(shellDanger(script), `should not be proven: ${script}`);
    }), { numRuns: 40 });
    assert.ok(runs('$(touch MARK)', "find . -type f -exec sh -c 'echo {}' \\;"), 'bash ran the file name (the case is real)');
    const safe = "find . -type f -exec bash -c 'printf \"%s\\n\" \"$1\"' _ {} \\;";
    assert.equal(shellDanger(safe), undefined, safe);
    assert.ok(!runs('$(touch MARK)', safe), safe);
  });

  test('quoted values, and a glob quoted for find, stay proven reads and delete nothing', () => {
    for (const primary of VALUED) {
      for (const script of [`find . ${primary} "$x"`, `find . ${primary} "$(cat ../v)"`, `find . -type f ${primary} "$x" -exec cat {} +`]) {
        assert.equal(shellDanger(script), undefined, script);
        assert.ok(!deletes(script, 'zzz -o -delete'), script);
      }
    }
    for (const s of ["find . -name '*.log'", 'find /var/log -maxdepth 1 -name "x*" -mmin -5', 'find . -exec cat {} \\;']) assert.equal(shellDanger(s), undefined, s);
    for (const s of ['find . -name *.log', 'find . -name {a,b}']) assert.ok(shellDanger(s), s);
  });
});
