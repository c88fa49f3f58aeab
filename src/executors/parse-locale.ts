// The locale bash reads a step's script in. The lint reads the script as UTF-8 text; in BIG5, GBK or GB18030 a
// byte >= 0x80 and the ASCII '\' or quote after it are one character, so bash there reads other commands than
// the lint proved ('echo "两\"; touch M; #"' is one echo as UTF-8, an echo and a touch in zh_TW.BIG5). A step
// cannot choose such a locale (shell-vars.ts), but the operator's environment may hold one. So when the locale
// the step's bash would take its character set from is not proven (C, POSIX, *.UTF-8), its character set is
// pinned to C.UTF-8; every other category keeps the operator's choice. The engine decodes output as UTF-8 anyway.
import { provenLocale } from '../language/shell-vars.js';
import { LC_CATEGORIES } from '../common/session-env.js';

/** `env`, or a copy whose character set is proven: LC_ALL's other categories kept, LC_CTYPE C.UTF-8. */
export function withParseLocale(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const ctype = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  if (ctype === '' || provenLocale(ctype)) return env; // none set: the C locale
  const out = { ...env };
  if (env.LC_ALL) {
    for (const c of LC_CATEGORIES) out[c] = env.LC_ALL;
    delete out.LC_ALL;
  }
  out.LC_CTYPE = 'C.UTF-8';
  return out;
}
