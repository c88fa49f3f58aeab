// `set` and `shopt` change how bash reads and runs the rest of the script, after the lint has read it as the
// engine's bash would: `set -k` makes every `NAME=value` word of a later command an environment assignment
// (`bash -c true BASH_ENV=/dev/stdin` runs its input), and `set -o history -H` turns on history expansion, so
// `echo "!!:1"` pastes an earlier line's words, `$(…)` included, into a line the lint read as text. Both
// acted in a step that validated clean. An allowlist: only the options reviewed as changing nothing the lint
// reads (failure handling, tracing, globbing) are proven; any other option, or one built from a value or a
// pattern (a file named `-k`), is not.
import type { Word } from '../shell-words.js';
import type { ReadOnlyFinding } from './read-commands.js';
import { shownWord } from './read-options.js';

/** `set` letters reviewed (either sign): errexit, nounset, xtrace, verbose, noglob, noexec, noclobber, hashall,
 *  braceexpand, notify, physical, errtrace, functrace. Not -a, -H, -k, -m, -p, -t. */
const SET_LETTERS = 'euxvfnChBbPET';
/** `set -o` names reviewed (either sign); also what `bash -o` may name. Not allexport, history, histexpand,
 *  keyword, monitor, onecmd, privileged, emacs, vi, ignoreeof, posix (it turns alias expansion on, and an
 *  alias's text joins the lines after it: `alias cat='cat <<true'` made them a here-document's body). */
export const SET_NAMES = new Set(['errexit', 'nounset', 'xtrace', 'verbose', 'noglob', 'noexec', 'noclobber', 'hashall', 'braceexpand',
  'notify', 'physical', 'errtrace', 'functrace', 'pipefail']);
/** `shopt` names reviewed for -s and -u (globbing and matching, pipelines, echo); also what `bash -O` may name.
 *  The lint reads extglob patterns. Not expand_aliases, sourcepath, extdebug, execfail, histexpand… */
export const SHOPT_NAMES = new Set(['extglob', 'nullglob', 'globstar', 'failglob', 'dotglob', 'nocaseglob', 'nocasematch', 'lastpipe',
  'inherit_errexit', 'xpg_echo', 'globasciiranges', 'checkwinsize']);

/** What `bash -o NAME` / `-O NAME` may name: the reviewed `set -o` and `shopt` names. */
export const reviewedShellOption = (name: string): boolean => SET_NAMES.has(name) || SHOPT_NAMES.has(name);

const notProven = (what: string): ReadOnlyFinding => ({ unknown: `'${what}': a shell option not reviewed (it may change how bash reads or runs the rest of the script: set -k, set -H)` });
const unreadable = (w: Word) => w.dynamic || w.pattern;

/** `set [±letters] [±o name]… [--] [args]`: each option must be reviewed. The words after `--`, `-` or the
 *  first word that is not an option are positional parameters, which change nothing. */
export function setFinding(args: Word[]): ReadOnlyFinding {
  for (let k = 0; k < args.length; k++) {
    const w = args[k]!;
    if (unreadable(w)) return notProven(`set ${shownWord(w.text)}`);
    const t = w.text;
    if (t === '--' || t === '-' || !/^[-+]/.test(t)) return undefined;
    for (const letter of t.slice(1)) {
      if (letter !== 'o') {
        if (!SET_LETTERS.includes(letter)) return notProven(`set ${t}`);
        continue;
      }
      const name = args[++k];
      if (!name) return undefined; // `set -o` alone lists the options
      if (unreadable(name) || !SET_NAMES.has(name.text)) return notProven(`set ${t} ${shownWord(name.text)}`);
    }
  }
  return undefined;
}

/** `shopt [-pqsuo] [name…]`: setting or unsetting (-s, -u) only reviewed names; printing or querying any. */
export function shoptFinding(args: Word[]): ReadOnlyFinding {
  let k = 0;
  let changes = false;
  let setNames = false;
  for (; k < args.length; k++) {
    const w = args[k]!;
    if (unreadable(w)) return notProven(`shopt ${shownWord(w.text)}`);
    if (w.text === '--') { k++; break; }
    if (!w.text.startsWith('-') || w.text === '-') break;
    for (const letter of w.text.slice(1)) {
      if (!'pqsuo'.includes(letter)) return notProven(`shopt ${w.text}`);
      if (letter === 's' || letter === 'u') changes = true;
      if (letter === 'o') setNames = true;
    }
  }
  const names = args.slice(k);
  const bad = names.find((n) => unreadable(n) || (changes && !(setNames ? SET_NAMES : SHOPT_NAMES).has(n.text)));
  return bad ? notProven(`shopt ${shownWord(bad.text)}`) : undefined;
}
