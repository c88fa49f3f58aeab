// A remote step's bash reads the step's code in the target's locale (its own default, or the LANG/LC_* ssh
// sends). In BIG5, BIG5-HKSCS, GBK or GB18030 a byte >= 0x80 and the '\' after it are one character, so
// 'echo "两\"; touch M; #"' (one echo to the lint) ran touch there. The wrapper now reads the step's code in
// C.UTF-8 when the target's locale is not proven (parse-locale.ts does the same locally). The wrapper runs here
// under a real bash as sshd would start it, with the locales built by localedef; generated over the locales, the
// variable carrying them and the quoting contexts, each first shown acting in bash.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { runWrapped } from './wrapped.js';
import { assertBashActs, buildLocales, CARRIERS, CONTEXTS, charFor, MULTIBYTE } from '../helpers/multibyte-locales.js';


describe("the remote wrapper reads the step's code in a character set the lint reads it in", () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-rlocale-'));
  const locales = join(dir, 'locales');
  before(() => { buildLocales(locales); });

  const wrapped = (script: string, env: NodeJS.ProcessEnv) => runWrapped(script, { PATH: process.env.PATH, HOME: dir, SHLVL: '2', LOCPATH: locales, ...env });


  test('generated: a target in a multibyte locale runs the echo the lint read, not a touch', async () => {
    const marker = join(dir, 'M');
    const cases = fc.sample(fc.tuple(fc.constantFrom(...MULTIBYTE.map((m) => m[0])), fc.constantFrom(...CARRIERS), fc.constantFrom(...CONTEXTS)), { numRuns: 16, seed: 59 });
    for (const [locale, carrier, context] of cases) {
      const script = context(charFor(locale), marker);
      assertBashActs(script, locale, carrier, locales, marker);
      const r = await wrapped(script, { [carrier]: locale });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(existsSync(marker), false, `${carrier}=${locale}: the wrapped step ran touch: ${script}`);
      assert.equal(r.stderr, '', 'no locale warning on the step\'s stderr');
    }
  });

  test("a proven locale is left as it is; an unproven LC_ALL keeps its other categories", async () => {
    const show = 'printf "%s|%s|%s|%s\\n" "${LC_ALL-unset}" "${LC_CTYPE-unset}" "${LC_TIME-unset}" "${LANG-unset}"';
    assert.match((await wrapped(show, { LANG: 'C.UTF-8' })).stdout, /^hs\nunset\|unset\|unset\|C\.UTF-8\n$/);
    assert.match((await wrapped(show, { LC_ALL: 'C', LANG: 'zh_TW.BIG5' })).stdout, /^hs\nC\|unset\|unset\|zh_TW\.BIG5\n$/);
    assert.match((await wrapped(show, { LC_ALL: 'zh_TW.BIG5' })).stdout, /^hs\nunset\|C\.UTF-8\|zh_TW\.BIG5\|unset\n$/);
    assert.match((await wrapped(show, { LANG: 'zh_CN.GBK' })).stdout, /^hs\nunset\|C\.UTF-8\|unset\|zh_CN\.GBK\n$/);
  });

  test.after(() => rmSync(dir, { recursive: true, force: true }));
});
