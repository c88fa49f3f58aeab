// The lint reads code as bash does, and proved code handed to sh, dash or ash the same way. /bin/sh is dash here
// (Debian, Ubuntu), which reads some text otherwise: it has no $'…' quoting, so `sh -c "echo \$'a\\'; touch M; #'"`
// is one echo to bash and an echo, then touch, to dash; and `[[ a > f ]]` compares in bash and truncates f in
// dash (`[[` is a command there, `> f` a redirection). Both validated clean. `watch` runs its words with sh -c,
// `find -exec sh -c`, `xargs sh -c` and every wrapper hand code to sh too. Generated over the shells, the ways
// to hand them code and the texts the two read apart; each is run by the real dash first (and shown harmless in
// bash), then must not be proven. The same code given to bash stays proven.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
// The reader's and the tables' verdict on the author's text (allowlistFindings); a step is proven only when its
// text is in the subset as well (shell-plan.ts, test/language/shell-plan*.test.ts).
import { allowlistFindings as shellDanger } from '../../src/language/validate/shell-lint.js';

/** Code bash reads as data and dash as a write or a command: [code, what dash did]. M: a marker; V: a victim. */
const CODE: ((m: string, v: string) => string)[] = [
  (m) => `echo $'a\\'; touch ${m}; #'`,
  (m) => `printf '%s\\n' $'x\\'; touch ${m} #'`,
  (m) => `x=$'\\'; touch ${m}; #'; echo "$x"`,
  (_m, v) => `[[ a > ${v} ]]`,
  (_m, v) => `[[ b < a || a > ${v} ]] || true`,
];
/** Ways a step hands code to sh or dash: the code goes where C stands, quoted by the caller. */
const HANDS: ((c: string) => string)[] = [
  (c) => `sh -c ${c}`, (c) => `dash -c ${c}`, (c) => `/bin/sh -c ${c}`, (c) => `sh -ec ${c}`, (c) => `env sh -c ${c}`,
  (c) => `timeout 5 sh -c ${c}`, (c) => `nice dash -c ${c}`, (c) => `find . -maxdepth 0 -exec sh -c ${c} \\;`, (c) => `sh <<<${c}`,
  (c) => `echo x | xargs sh -c ${c}`,
];
const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

describe('code for sh (dash) is read, never proven: only bash reads it as the lint does', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-sh-'));
  const marker = join(dir, 'M');
  const victim = join(dir, 'V');
  /** Whether the script, run by bash as a step is, touched the marker or emptied the victim. */
  const acts = (script: string) => {
    rmSync(marker, { force: true });
    writeFileSync(victim, 'data\n');
    spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd: dir, stdio: 'ignore', timeout: 30_000 });
    return existsSync(marker) || readFileSync(victim, 'utf8') !== 'data\n';
  };

  test('generated: dash acts on text bash reads as data, and the lint does not prove the step', () => {
    const cases = fc.sample(fc.tuple(fc.constantFrom(...CODE), fc.constantFrom(...HANDS)), { numRuns: 40, seed: 43 });
    for (const [code, hand] of cases) {
      const c = code(marker, victim);
      assert.equal(acts(`bash -c ${quote(c)}`), false, `bash reads it as the lint does: ${c}`);
      const script = hand(quote(c));
      assert.ok(acts(script), `dash did not act (the case is not real): ${script}`);
      assert.ok(shellDanger(script), `should not be proven: ${script}`);
    }
  });

  test('watch runs its words with sh -c: not proven unless -x runs them as words', () => {
    for (const c of ['cat f', "echo $'a\\'; ls; #'", 'df -h']) {
      assert.ok(shellDanger(`watch -n 1 ${quote(c)}`), c);
      assert.ok(shellDanger(`watch -g ${c}`), c);
    }
    assert.equal(shellDanger('watch -n 1 -x cat f'), undefined);
  });

  test('what acts in sh code is still reported as acting, and the same code given to bash stays proven', () => {
    assert.match(shellDanger("sh -c 'rm -f x'") ?? '', /looks destructive/);
    assert.match(shellDanger("sh -c 'cat f'") ?? '', /code for sh/);
    for (const code of CODE.slice(0, 3)) {
      const c = code('M', 'V');
      for (const s of [`bash -c ${quote(c)}`, `env bash -c ${quote(c)}`, `bash <<'EOF'\n${c}\nEOF`]) assert.equal(shellDanger(s), undefined, s);
    }
  });

  test.after(() => rmSync(dir, { recursive: true, force: true }));
});
