// The locales whose multibyte characters take an ASCII byte as their second (BIG5, BIG5-HKSCS, GBK, GB18030), built
// with localedef into a folder (LOCPATH), and the scripts bash reads otherwise there than as UTF-8: what the shell
// lint's locale tests, the executor's and the remote wrapper's generate their cases from.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** [locale, charmap, source]. */
export const MULTIBYTE: [string, string, string][] = [['zh_TW.BIG5', 'BIG5', 'zh_TW'], ['zh_HK.BIG5-HKSCS', 'BIG5-HKSCS', 'zh_HK'], ['zh_CN.GBK', 'GBK', 'zh_CN'], ['zh_CN.GB18030', 'GB18030', 'zh_CN']];

/** A character whose UTF-8 ends in a byte the locale reads as the first of a pair with '\' (两: E4 B8 A4, and A4 5C is
 *  BIG5's 許; GBK has no A4 5C, but 丁 ends in 81, and 81 5C is a GBK character). */
export const charFor = (locale: string) => (locale === 'zh_CN.GBK' ? '丁' : '两');

/** Scripts where a '\' after the character escapes what follows as UTF-8, and runs `touch M` when it does not. */
export const CONTEXTS: ((c: string, m: string) => string)[] = [
  (c, m) => `echo "${c}\\"; touch ${m}; #"`,
  (c, m) => `echo $'${c}\\'; touch ${m}; #'`,
  (c, m) => `x="${c}\\"; touch ${m}; #"; echo "$x"`,
];

/** The variables a locale is taken from. */
export const CARRIERS = ['LC_ALL', 'LC_CTYPE', 'LANG'];

/** Builds the MULTIBYTE locales in `dir` (created; removed when the process exits): the LOCPATH to give bash. */
export function buildLocales(dir: string): string {
  mkdirSync(dir, { recursive: true });
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  for (const [name, charmap, source] of MULTIBYTE) {
    const r = spawnSync('localedef', ['-f', charmap, '-i', source, join(dir, name)], { encoding: 'utf8', timeout: 120_000 });
    assert.ok(existsSync(join(dir, name, 'LC_CTYPE')), `localedef could not build ${name}: ${r.stderr}`);
  }
  return dir;
}

/** The case is real: bash with `carrier` = `locale` runs the touch of `script` (marker removed after). */
export function assertBashActs(script: string, locale: string, carrier: string, locales: string, marker: string): void {
  rmSync(marker, { force: true });
  spawnSync('bash', ['-c', script], { env: { PATH: process.env.PATH, LOCPATH: locales, [carrier]: locale }, stdio: 'ignore', timeout: 30_000 });
  assert.ok(existsSync(marker), `bash in ${locale} did not act (the case is not real): ${script}`);
  rmSync(marker, { force: true });
}
