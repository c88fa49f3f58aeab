// Where a secret may go in a proven read (a probe of stop 69): `lsof -i "@${{ secret }}.example"`,
// `ss -- dst …` and `ping …` sent a secret input to the DNS resolver in a query, a dry run too. Which of a
// program's words it resolves or sends is its own reading; the engine does not enumerate those. It allows a
// value that holds a secret only in a command of a program that keeps its arguments on this machine: it reads
// them as text or as local paths, and opens no connection and asks no resolver with them. Any other program
// given one makes the step not proven (a gated step, which the operator sees and may still run).
import type { Plan } from './shell-plan.js';

/** Programs (and shell builtins) that read their arguments as text, numbers or local paths only. */
export const KEEPS_ARGUMENTS_HERE: ReadonlySet<string> = new Set([
  'echo', 'printf', 'test', '[', 'true', 'false', ':', 'expr', 'seq',
  'grep', 'egrep', 'fgrep', 'cat', 'head', 'tail', 'wc', 'cut', 'sort', 'uniq', 'tr', 'sed', 'awk', 'gawk', 'mawk',
  'jq', 'base64', 'base32', 'sha256sum', 'sha1sum', 'sha512sum', 'md5sum', 'od', 'xxd', 'hexdump', 'cmp', 'diff',
  'comm', 'basename', 'dirname', 'realpath', 'readlink', 'stat', 'ls', 'file', 'strings', 'column', 'fold', 'fmt',
  'nl', 'paste', 'rev', 'tac', 'numfmt', 'date', 'rg', 'zcat', 'join', 'expand', 'unexpand', 'sleep', 'yes',
]);

const programOf = (word: string): string => word.slice(word.lastIndexOf('/') + 1);

/** The first command of the plan that is handed a secret value (by its number), in its words or down a pipe
 *  from one, and is not a program that keeps its arguments here; undefined when none is. */
export function secretLeavesHere(plan: Plan, secret: ReadonlySet<number>): string | undefined {
  if (secret.size === 0) return undefined;
  for (const p of plan.pipelines) {
    // What a command of a pipeline prints of a secret flows on down it: a command after one given a secret reads
    // it on its input, and xargs makes its input arguments of another program (`printf … "${{ s }}" | xargs
    // lsof`: the secret went to the resolver, a probe of stop 69). Input is only read by the allowlisted
    // programs; xargs is not on the list.
    let tainted = false;
    for (const c of p.commands) {
      const given = [...c.words, ...c.redirects.flatMap((r) => (r.op === '<' ? [r.target] : []))]
        .some((w) => w.parts.some((part) => typeof part !== 'string' && secret.has(part.value)));
      const name = c.words[0]?.parts.every((x) => typeof x === 'string') ? programOf(c.words[0].parts.join('')) : undefined;
      if ((given || tainted) && (name === undefined || !KEEPS_ARGUMENTS_HERE.has(name))) return name ?? 'a command named by a value';
      tainted ||= given;
    }
  }
  return undefined;
}
