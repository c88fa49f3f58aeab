// The locale's variables choose the character set bash reads the script's bytes in. In BIG5, BIG5-HKSCS, GBK
// and GB18030 a byte >= 0x80 and the ASCII byte after it are one character, so a '\' after the UTF-8 of some
// CJK characters is no escape there: 'echo "两\"; touch M; #"' is one echo read as UTF-8 (the lint's reading),
// and an echo then touch in zh_TW.BIG5. A step that set LC_ALL/LC_CTYPE/LANG to such a locale (env: or a line of
// the script) validated clean and ran touch. Generated over the multibyte locales, the quoting contexts a
// backslash escapes in, and the ways a step sets the locale; each case is run by bash first under a locale built
// with localedef (a host where it is installed), then must not be proven by the lint. C and UTF-8 locales stay
// proven, and bash is shown to read the same script as the lint under them.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { dangerIn } from '../../src/language/validate/safety-lint.js';
import { buildLocales, charFor, CONTEXTS as SHARED_CONTEXTS, MULTIBYTE } from '../helpers/multibyte-locales.js';
import type { StepDoc } from '../../src/language/schema.js';

/** Scripts where a '\' after the character escapes what follows as UTF-8, and runs `touch M` when it does not. */
const CONTEXTS: ((c: string, m: string) => string)[] = [...SHARED_CONTEXTS, (c, m) => `echo ${c}\\; touch ${m}`];
/** Ways a step sets the locale: [env: map, script prefix]. */
const SETTERS: ((l: string) => [Record<string, string>, string])[] = [
  (l) => [{ LC_ALL: l }, ''], (l) => [{ LC_CTYPE: l }, ''], (l) => [{ LANG: l }, ''],
  (l) => [{}, `LC_ALL=${l}\n`], (l) => [{}, `export LC_CTYPE=${l}\n`], (l) => [{}, `LANG='${l}'\n`], (l) => [{}, `declare -x LC_ALL="${l}"\n`],
];

const step = (env: Record<string, string>, run: string): StepDoc => ({ id: 's', shell: Object.keys(env).length ? { run, env } : run } as StepDoc);

describe('a locale variable is proven only with a value naming C or a UTF-8 locale', () => {
  let dir = '';
  before(() => { dir = buildLocales(mkdtempSync(join(tmpdir(), 'runbook-locale-'))); });

  /** Whether bash, given the step's env and script, ran the touch (LOCPATH: the locales are installed). */
  const bashActs = (env: Record<string, string>, script: string, marker: string): boolean => {
    rmSync(marker, { force: true });
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(LC_\w+|LANG)$/.test(k)));
    spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], { env: { ...base, LOCPATH: dir, ...env }, stdio: 'ignore', timeout: 30_000 });
    return existsSync(marker);
  };

  test('set to a multibyte locale, bash runs what the lint read as text: not proven', () => {
    const cases = fc.sample(fc.tuple(fc.constantFrom(...MULTIBYTE.map((m) => m[0])), fc.constantFrom(...CONTEXTS), fc.constantFrom(...SETTERS)), { numRuns: 40, seed: 41 });
    for (const [locale, context, setter] of cases) {
      const marker = join(dir, 'M');
      const [env, prefix] = setter(locale);
      const script = prefix + context(charFor(locale), marker);
      assert.equal(bashActs({ LC_ALL: 'C.UTF-8' }, context(charFor(locale), marker), marker), false, `as UTF-8 bash reads it as the lint does: ${script}`);
      assert.ok(bashActs(env, script, marker), `bash in ${locale} did not act (the case is not real): env ${JSON.stringify(env)}: ${script}`);
      assert.ok(dangerIn(step(env, script)).first, `should not be proven: env ${JSON.stringify(env)}: ${script}`);
    }
  });

  test('the value counts only as a literal: names without a codeset, paths, values and holes are not proven', () => {
    const values = ['', 'zh_TW', 'zh_CN.GBK', 'en_US', 'en_US.ISO-8859-1', '/usr/lib/locale/zh_TW.BIG5', 'ja_JP.SJIS', 'C.UTF-8x', '"$x"', '${{ inputs.l }}'];
    for (const v of values) {
      for (const setter of SETTERS) {
        const [env, prefix] = setter(v);
        const script = `${prefix}echo hi`;
        assert.ok(dangerIn(step(env, script)).first, `should not be proven: env ${JSON.stringify(env)}: ${script}`);
      }
    }
    for (const s of ['read -r LC_ALL <<< C', 'printf -v LANG C', 'for LC_CTYPE in C; do :; done', ': ${LC_ALL:=C}', 'LC_ALL+=.UTF-8', 'LC_ALL=$l', 'env LC_ALL=zh_TW.BIG5 bash -c "echo x"']) {
      assert.ok(dangerIn(step({}, s)).first, `should not be proven: ${s}`);
    }
  });

  /** No finding but the subset's (shell-plan.ts): assignments and escapes are outside it, the locale is not. */
  const readsButOutside = (first: string | undefined) => first === undefined || /outside the proven subset/.test(first);

  test('C, POSIX and UTF-8 locales stay proven, and bash reads the script as the lint does under them', () => {
    for (const locale of ['C', 'POSIX', 'C.UTF-8', 'C.utf8', 'en_US.UTF-8', 'de_DE.utf8@euro']) {
      for (const setter of SETTERS) {
        const [env, prefix] = setter(locale);
        const marker = join(dir, 'M');
        const script = prefix + CONTEXTS[0]!('两', marker);
        assert.ok(readsButOutside(dangerIn(step(env, script)).first), `the locale is proven (the script may be outside the subset): env ${JSON.stringify(env)}: ${script}`);
        assert.equal(bashActs(env, script, marker), false, `bash under ${locale} reads it as one echo: ${script}`);
      }
    }
    for (const s of ['LC_ALL=C.UTF-8; export LC_ALL', 'export LANG']) assert.ok(readsButOutside(dangerIn(step({}, s)).first), s);
  });

  test("emptied or unset, a locale variable falls back to the operator's: not proven", () => {
    // The engine pins LC_CTYPE when the operator's LANG is zh_TW.BIG5 (parse-locale.ts); unsetting it, or giving it
    // an empty value, brings BIG5 back for the lines after.
    const marker = join(dir, 'M');
    for (const undo of ['unset LC_CTYPE', 'unset -v LC_CTYPE', 'LC_CTYPE=', "LC_CTYPE=''", 'export LC_CTYPE=', 'declare LC_CTYPE=""']) {
      for (const locale of MULTIBYTE.map((m) => m[0])) {
        const script = `${undo}\n${CONTEXTS[0]!(charFor(locale), marker)}`;
        assert.ok(bashActs({ LANG: locale, LC_CTYPE: 'C.UTF-8' }, script, marker), `bash did not fall back to ${locale} (the case is not real): ${script}`);
        assert.ok(dangerIn(step({}, script)).first, `should not be proven: ${script}`);
      }
    }
    assert.ok(dangerIn(step({ LC_ALL: '' }, 'echo hi')).first, "env: { LC_ALL: '' }");
  });
});
