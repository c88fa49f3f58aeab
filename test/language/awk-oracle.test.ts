// The awks are the readers that count (issue #44): awk programs are generated from a grammar that reaches past
// what the lint proves (division next to regular expressions, system(), getline, pipes, print redirections,
// continued lines, strings and regexes holding any of those, gawk's @ calls); every program the lint proves a
// read is run by gawk with --sandbox (which refuses system(), redirections and getline from files or commands
// itself) and by mawk, on a file in an empty directory: gawk must not refuse it for that, and neither awk may
// leave a file behind (every acting form in the grammar creates one). A fixed seed in `npm test`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awkProgramProblem } from '../../src/language/validate/awk-program.js';
import { rng } from '../helpers/rng.js';

const RUNS = Number(process.env.AWK_ORACLE_RUNS ?? 800);
const SEED = Number(process.env.AWK_ORACLE_SEED ?? 44);
const has = (cmd: string) => spawnSync(cmd, ['-W', 'version'], { encoding: 'utf8' }).status === 0;
const awks = ['gawk', 'mawk'].filter(has);

function generator(rand: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const operand = (): string => pick(['$1', '$0', 'NR', 'NF', '1.', '2', '"a/b"', 'x', 'a[$1]', 'length($0)', 'substr($0, 1, 2)', '/a/', '/[/]x/', '"|"', '(1 > 2)', '$NF', '-1']);
  const expr = (d = 0): string => {
    const r = rand();
    if (d > 2 || r < 0.35) return operand();
    if (r < 0.75) return `${expr(d + 1)} ${pick(['+', '-', '*', '/', '%', '==', '!=', '<', '>', '~', '&&', '||', '', ' '])} ${expr(d + 1)}`;
    if (r < 0.85) return `(${expr(d + 1)})`;
    return pick(['system("touch S")', '"touch G" | getline', 'getline < "in.txt"', 'getline x < "in.txt"', 'close("x")', 'fflush()', 'f(1)']);
  };
  const statement = (): string => {
    const r = rand();
    if (r < 0.35) return `print ${expr()}${pick(['', '', ', ' + expr(), ' > "P"', ' >> "P"', ' | "cat > P"', ' \\\n> "P"'])}`;
    if (r < 0.45) return `printf "%s\\n", ${expr()}${pick(['', ' > "P"'])}`;
    if (r < 0.6) return `x = ${expr()}`;
    if (r < 0.7) return `if (${expr()}) ${pick(['n++', 'print', 'next'])}`;
    if (r < 0.8) return expr();
    return pick(['n++', 'delete a', 'for (k in a) n++', 'a[$1]++', 'exit']);
  };
  const item = (): string => {
    const pattern = rand() < 0.5 ? pick(['', 'BEGIN ', 'END ', `${expr()} `, 'NR==1 ']) : '';
    const body = rand() < 0.85 ? `{ ${Array.from({ length: 1 + Math.floor(rand() * 3) }, statement).join(pick(['; ', '\n', ';\n']))} }` : '';
    return pattern.trim() === 'BEGIN' || pattern.trim() === 'END' ? `${pattern}{ ${statement()} }` : pattern + body || '1';
  };
  return (): string => Array.from({ length: 1 + Math.floor(rand() * 2) }, item).join(pick(['\n', '; ', ' ']));
}

test(`awk programs the lint proves run nothing and write nothing in gawk and mawk (${RUNS} generated, seed ${SEED})`, { skip: awks.length === 0 && 'neither gawk nor mawk is installed' }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-awk-oracle-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'in.txt'), 'a b\nc/d e\n1 2\n');
  const next = generator(rng(SEED));
  let proven = 0, refused = 0;
  for (let i = 0; i < RUNS; i++) {
    const program = next();
    if (awkProgramProblem(program)) { refused++; continue; }
    proven++;
    for (const awk of awks) {
      const r = spawnSync(awk, [...(awk === 'gawk' ? ['--sandbox'] : []), program, 'in.txt'], { cwd: dir, encoding: 'utf8', timeout: 10_000, input: '' });
      assert.doesNotMatch(r.stderr, /sandbox mode/, `proven, and gawk's sandbox refused it: ${JSON.stringify(program)}`);
      assert.deepEqual(readdirSync(dir), ['in.txt'], `proven, and ${awk} left a file: ${JSON.stringify(program)}`);
    }
  }
  t.diagnostic(`proven ${proven}, refused ${refused}, with ${awks.join(' and ')}`);
  assert.ok(proven > RUNS / 10 && refused > RUNS / 10, `proven ${proven}, refused ${refused}`);
});

test("the issue's awk cases are not proven; the built-ins' programs are", () => {
  for (const p of ['1. / 2; system("touch P"); 1. / 2', '{ print $1 \\\n> "F" }', '{ print > "out" }', '{ print | "sh" }', '"id" | getline',
    'BEGIN { f = "system"; @f("id") }', '{ print $1 > 3 }', 'BEGIN { getline x < "/etc/passwd" }', 'x = 1 / 2 / system("id")', '{ printf("%s", $1) > "f" }']) {
    assert.ok(awkProgramProblem(p), `not proven: ${JSON.stringify(p)}`);
  }
  for (const p of ['{print $4}', '!seen[$0]++', 'FNR > 1 && $4 == "0A" && substr($2, length($2) - 4) == h { print $2 }',
    '/^(MemTotal|MemAvailable):/ { printf "%s %d MiB\\n", $1, $2 / 1024 }', '$1 ~ /^[0-9]+$/ { n++ } END { print n+0 }', '{ print $1, ($2 > 3) }']) {
    assert.equal(awkProgramProblem(p), undefined, `proven: ${JSON.stringify(p)}`);
  }
});
