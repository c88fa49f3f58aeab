// What a proven read inherits of the operator's environment: an allowlist, not the whole. The lint proves a
// step's words, but a reviewed program also reads variables that are not its words, and some make it act:
// RIPGREP_CONFIG_PATH's `--pre=CMD` had `rg -c x file` start the operator's command on every file it read (a probe
// of stop 77 wrote a file that way as a non-root operator, in a real run), LESSOPEN, PAGER, EDITOR, MANPAGER and
// SHELL name programs to start, AWKPATH, LOCPATH, GCONV_PATH, TZDIR, WGETRC and CURL_HOME name files to load,
// LD_PRELOAD code. No list of those is complete, so a proven read gets only the variables each reviewed program
// is known to read harmlessly; the step's own `env:` (names the lint allows, shell-vars.ts) and the engine's
// scratch variables are added after this.
import { provenLocale, zoneName } from '../language/shell-vars.js';

/** Names kept as the operator gave them: where programs are found, who runs them, the terminal's size and kind,
 *  and where a database client or kubectl connects (kubectl's KUBECONFIG is the cluster it reads; a config's
 *  `exec` credential plugin is the operator's own login, said in docs/confirmation.md). */
const KEPT = new Set([
  'PATH', 'HOME', 'USER', 'LOGNAME', 'TERM', 'COLUMNS', 'LINES', 'NO_COLOR',
  'PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGCONNECT_TIMEOUT', 'PGAPPNAME', 'PGSSLMODE',
  'MYSQL_HOST', 'MYSQL_TCP_PORT', 'KUBECONFIG',
]);

/** Kept when their value is one the lint would allow a step to set: a locale read as UTF-8 or C, a zone's name
 *  (TZ as a path opens that file: stop 66). LANGUAGE is not kept: its names become paths of message catalogues. */
const CHECKED: ReadonlyArray<[RegExp, (value: string) => boolean]> = [
  [/^(LANG|LC_[A-Z]+)$/, provenLocale],
  [/^TZ$/, zoneName],
];

/** The part of `env` a proven read may see. */
export function provenReadEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (KEPT.has(name) || CHECKED.some(([names, ok]) => names.test(name) && ok(value))) out[name] = value;
  }
  return out;
}
