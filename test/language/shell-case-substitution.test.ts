// A case pattern's `)` inside $( … ) or <( … ) is not the substitution's end. The reader closed the substitution
// there, so in `echo "$(case a in a) echo x;; esac; touch M)"` the rest was read as the double-quoted string's
// text: the step validated clean and bash ran `touch M`. Generated over case statements (optional `(`, several
// clauses, ;& and ;;&, nested cases, esac after ; or ;;) inside each context that turns the rest into data
// (double quotes, a here-string, an unquoted here-document, an assignment, a process substitution), each run by
// bash first to show the hidden command runs.
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

const clause = fc.tuple(fc.constantFrom('a', '(a)', 'a|b', '(a|b)', '*', '"a"', '[a])', '?'), fc.constantFrom('echo x', ':', 'printf %s y'), fc.constantFrom(';;', ';&', ';;&'))
  .map(([p, body, end]) => `${p.endsWith(')') && p.startsWith('(') ? p : `${p})`} ${body}${end}`.replace('[a]))', '[a])'));
const caseStatement = fc.tuple(fc.array(clause, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.constantFrom(' esac', '\nesac', '\n  esac'))
  .map(([clauses, nested, close]) => `case a in ${nested ? 'a) case b in b) echo n;; esac;; ' : ''}${clauses.join(' ')}${close}`);
const CONTEXTS = [
  (sub: string) => `echo "${sub}"`, (sub: string) => `cat <<< "${sub}"`, (sub: string) => `cat <<EOF\n${sub}\nEOF`,
  (sub: string) => `x=${sub}; echo "$x"`, (sub: string) => `cat <(${sub.slice(2, -1)})`, (sub: string) => `echo "a ${sub} b"`,
];

describe('a case pattern inside a substitution does not end it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-case-'));
  const marker = join(dir, 'M');
  const acts = (script: string) => {
    rmSync(marker, { force: true });
    spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd: dir, stdio: 'ignore', timeout: 10_000, input: '' });
    return existsSync(marker);
  };

  test('generated: the command after esac runs in bash, and the lint refuses the script', () => {
    fc.assert(fc.property(caseStatement, fc.constantFrom(...CONTEXTS), (statement, context) => {
      const script = context(`$(${statement}; touch ${marker})`);
      assert.ok(acts(script), `bash did not run it (not a valid case): ${JSON.stringify(script)}`);
      assert.ok(shellDanger(script), `should not be proven: ${JSON.stringify(script)}`);
    }), { numRuns: 150 });
  });

  test('generated: the same statements without the hidden command stay proven reads', () => {
    fc.assert(fc.property(caseStatement, fc.constantFrom(...CONTEXTS), (statement, context) => {
      const script = context(`$(${statement})`);
      assert.equal(shellDanger(script), undefined, JSON.stringify(script));
    }), { numRuns: 150 });
  });

  test.after(() => rmSync(dir, { recursive: true, force: true }));
});
