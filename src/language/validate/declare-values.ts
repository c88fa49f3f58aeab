// declare, typeset and local assign their arguments as bash reads them at run time: a word whose name part is
// computed (`declare "$x"`, with x = 'a[$(cmd)]=1') is an assignment whose subscript bash evaluates, and a value
// given to a variable that is an array (by -a/-A, or from an earlier `b=(…)` the lint does not track) is read
// again as a compound assignment, `([k]=v …)`, expanding any $( … ) in it. Both ran code read from a file in a
// step the lint proved a read. export and readonly do not re-read a value, unless they make an array (-a, -A).
import { holdsValue, type Word } from '../shell-words.js';

const NAME_FIRST = /^[A-Za-z_][A-Za-z0-9_]*\+?=/;

/** Why an argument of the declare family is not proven (a phrase for the lint's finding), or undefined. */
export function declareValueRisk(name: string, args: Word[]): string | undefined {
  const options = args.filter((w) => /^[-+]/.test(w.text) && !w.dynamic).map((w) => w.text).join('');
  for (const w of args) {
    if (!w.dynamic || /^[-+]/.test(w.text) && !holdsValue(w.text.slice(0, 2))) continue;
    if (!NAME_FIRST.test(w.text)) return `'${name}' of a name built from a value: bash evaluates a subscript in it as arithmetic, running code`;
    const rereads = ['declare', 'typeset', 'local'].includes(name) || /[aA]/.test(options);
    if (rereads) return `'${name} NAME=<value>': when NAME is an array bash reads the value again as a compound assignment, running any $( … ) in it (assign it plainly: NAME=<value>)`;
  }
  return undefined;
}
