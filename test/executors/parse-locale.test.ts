// The operator's locale is the character set a step's bash reads the script in. In BIG5, BIG5-HKSCS, GBK or
// GB18030 a byte >= 0x80 and the '\' after it are one character: 'echo "两\"; touch M; #"' is one echo to the
// lint (UTF-8) and an echo, then touch, to bash there. A step cannot set such a locale (test/language/
// shell-locale.test.ts), but an operator on a host with LANG=zh_TW.BIG5 ran touch in a step that validated
// clean. Through the CLI, generated over the locales, the variable that carries the operator's locale and the
// quoting contexts, with the locales built by localedef (a host where they are installed); and the unit
// withParseLocale: a proven locale is left alone, any other keeps every category but the character set.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { withParseLocale } from '../../src/executors/parse-locale.js';
import { assertBashActs, buildLocales, CARRIERS, CONTEXTS, charFor, MULTIBYTE } from '../helpers/multibyte-locales.js';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';


describe("a step's bash reads its script in a character set the lint reads it in, whatever the operator's locale", () => {
  let locales = '';
  before(() => { locales = buildLocales(join(process.env.TMPDIR ?? '/tmp', `runbook-oplocale-${process.pid}`)); });

  test('generated through the CLI: the operator\'s multibyte locale does not turn a proven read into a touch', async (t) => {
    const dir = scratch(t);
    const marker = join(dir, 'M');
    const cases = fc.sample(fc.tuple(fc.constantFrom(...MULTIBYTE.map((m) => m[0])), fc.constantFrom(...CARRIERS), fc.constantFrom(...CONTEXTS)), { numRuns: 6, seed: 53 });
    for (const [locale, carrier, context] of cases) {
      const script = context(charFor(locale), marker);
      assertBashActs(script, locale, carrier, locales, marker);
      const file = writeRunbook(dir, 'loc', `name: loc\ntitle: Print a name\nsteps:\n  - id: show\n    destructive: false\n    safe_because: prints a name, a hostile one (the test shows bash reads it as one echo)\n    shell: '${script.replaceAll("'", "''")}'\n  - id: done\n    end: resolved\n`);
      const env: NodeJS.ProcessEnv = { LOCPATH: locales, LC_ALL: undefined, LC_CTYPE: undefined, LANG: undefined, [carrier]: locale };
      const r = await cli(['run', file, '--plain', '--no-transcript'], { env });
      assert.equal(r.code, 0, `${carrier}=${locale}: ${r.stdout}${r.stderr}`);
      assert.equal(existsSync(marker), false, `${carrier}=${locale}: the step ran touch: ${script}`);
    }
  });

  test('withParseLocale: proven locales untouched; any other keeps every category but the character set', () => {
    for (const env of [{}, { LANG: 'C' }, { LC_ALL: 'C.UTF-8', LANG: 'zh_TW.BIG5' }, { LC_CTYPE: 'en_US.UTF-8', LANG: 'zh_TW' }, { LANG: 'de_DE.utf8@euro' }]) {
      assert.deepEqual(withParseLocale(env), env, JSON.stringify(env));
    }
    for (const value of ['zh_TW.BIG5', 'zh_TW', 'en_US', '/some/dir', 'ja_JP.SJIS']) {
      assert.deepEqual(withParseLocale({ LANG: value, X: '1' }), { LANG: value, X: '1', LC_CTYPE: 'C.UTF-8' });
      assert.deepEqual(withParseLocale({ LC_CTYPE: value }), { LC_CTYPE: 'C.UTF-8' });
      const all = withParseLocale({ LC_ALL: value, LANG: 'en_US.UTF-8' });
      assert.equal(all.LC_ALL, undefined);
      assert.equal(all.LC_CTYPE, 'C.UTF-8');
      assert.equal(all.LC_TIME, value);
      assert.equal(all.LC_MESSAGES, value);
    }
  });
});
