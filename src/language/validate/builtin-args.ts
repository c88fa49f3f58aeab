// Shell builtins run inside bash, which evaluates some of their arguments as expressions: a variable name's
// array subscript (`read 'x[$(cmd)]'`, `printf -v`, `test -v`, `unset`, `getopts`, `wait -p`) and arithmetic
// (`[[ a -eq b ]]`). There bash expands the text again, so `$(cmd)` quoted in the script still runs:
// `[ -v 'y[$(touch f)]' ]` created the file in a step the lint called a read. Closed by construction: an
// argument of a builtin that holds code as text is not read, whatever the builtin (echo, and printf's format
// and values, print it and nothing else); a variable name built from a value is not read either.
import { CODE, DYNAMIC, HOLE, type Word } from '../shell-words.js';
import type { ReadOnlyFinding } from './read-commands.js';
import { inertSetting, inertVariable, variableWhy } from '../shell-vars.js';
import { setFinding, shoptFinding } from './shell-options.js';

/** Builtins whose arguments are only printed or ignored. */
const PRINTS = new Set(['echo', 'true', 'false', ':']);

export function builtinFinding(name: string, args: Word[]): ReadOnlyFinding {
  if (PRINTS.has(name)) return undefined;
  // ulimit that sets a limit changes what the step's programs may do (-c unlimited, then a crash, wrote a 128 MB
  // core, and runs a core_pattern handler as root where one is set): only showing limits is proven.
  if (name === 'ulimit' && args.some((w) => w.dynamic || !/^-[a-zA-Z]+$/.test(w.text) || /[HS]/.test(w.text) && args.length > 1)) {
    return { unknown: "'ulimit' setting a limit: only showing limits (ulimit -a, ulimit -n) is proven" };
  }
  // set and shopt change how bash reads the rest of the script: only reviewed options (shell-options.ts).
  const option = name === 'set' ? setFinding(args) : name === 'shopt' ? shoptFinding(args) : undefined;
  if (option) return option;
  // [[ a -eq b ]] evaluates both sides as arithmetic: a name or a value there is evaluated as code
  // (`[[ $x -eq 1 ]]` with x='a[$(cmd)]' runs cmd). Only literal integers are read.
  if (name === '[[') {
    const operands = args.flatMap((w, k) => (!w.quoted && /^-(eq|ne|lt|le|gt|ge)$/.test(w.text) ? [args[k - 1], args[k + 1]] : []));
    if (operands.some((w) => !w || w.dynamic || !/^-?\d+$/.test(w.text))) {
      return { unknown: "'[[ … -eq … ]]' on a name or value: bash evaluates it as arithmetic, running code in a value (compare with [ ] or literal integers)" };
    }
  }
  // printf's format is proven only as a literal the lint saw: a value there is read as options (`-v …`) and
  // as a format (`%(…)T`, `%q`) by printf's own parser, not by the lint's.
  const format = name === 'printf' ? printfFormat(args) : undefined;
  if (format && (format.dynamic || format.text.includes(HOLE) || format.text.includes(DYNAMIC))) return { unknown: "'printf' with a value as its format: only a literal format is proven (printf '%s\\n' \"${{ v }}\")" };
  const names = nameArgs(name, args);
  // printf's format and values are printed (a %d value is read as a number, not evaluated): only -v NAME counts.
  const code = (name === 'printf' ? names : args).find((w) => CODE.test(w.text));
  if (code) return { unknown: `'${name} ${shown(code)}': a value holding code, which bash may evaluate (an array subscript, arithmetic)` };
  const built = names.find((w) => w.dynamic);
  if (built) return { unknown: `'${name} ${shown(built)}': a variable name built from a value, whose subscript bash evaluates` };
  // A subscript is arithmetic: a variable named there is evaluated too, and its value may hold code (`[ -v
  // 'x[RUNBOOK_V1]' ]` ran a value's `$(…)`). Only a literal integer subscript is read.
  const subscript = names.find((w) => w.text.includes('[') && !/^[A-Za-z_][A-Za-z0-9_]*\[[0-9]+\]$/.test(w.text));
  if (subscript) return { unknown: `'${name} ${shown(subscript)}': an array subscript other than a number, which bash evaluates as arithmetic (a variable named there is evaluated as code)` };
  // read, printf -v, getopts and wait -p set the variables they name (test -v and unset do not set one).
  const sets = SETS_NAMES.has(name) ? names.find((w) => !inertVariable(w.text.replace(/\[.*$/s, ''))) : undefined;
  if (sets) return { unknown: `'${name} ${shown(sets)}': ${variableWhy(sets.text.replace(/\[.*$/s, ''))}` };
  // Unsetting a variable sets it too: with PATH unset bash looks commands up in its default path, which ends in
  // '.', the step's directory (a `./rg` there ran for `unset PATH; rg x`). Only names a read may set (an empty
  // value); `unset -f` removes functions.
  const functions = args.some((w) => /^-[a-z]*f/.test(w.text)) && !args.some((w) => /^-[a-z]*v/.test(w.text));
  const unsets = name === 'unset' && !functions ? names.find((w) => !inertSetting(w.text.replace(/\[.*$/s, ''), '')) : undefined;
  if (unsets) return { unknown: `'unset ${shown(unsets)}': unsetting is setting (with PATH unset bash searches '.', the step's directory): ${variableWhy(unsets.text.replace(/\[.*$/s, ''))}` };
  return undefined;
}

/** printf's format: its first argument after `-v NAME` (or `-vNAME`) and `--`. */
function printfFormat(args: Word[]): Word | undefined {
  let k = 0;
  for (;;) {
    const t = args[k]?.text;
    if (t === '-v') k += 2;
    else if (t !== undefined && /^-v./s.test(t)) k++;
    else if (t === '--') return args[k + 1];
    else return args[k];
  }
}

/** Builtins that assign the variables they name. */
const SETS_NAMES = new Set(['read', 'printf', 'getopts', 'wait']);

/** The arguments a builtin takes as variable names (each may carry an array subscript bash evaluates). */
function nameArgs(name: string, args: Word[]): Word[] {
  const after = (flag: RegExp) => args.flatMap((w, k) => (flag.test(w.text) && args[k + 1] ? [args[k + 1]!] : []));
  const attached = (flag: string) => args.filter((w) => w.text.startsWith(flag) && w.text.length > flag.length).map((w) => ({ ...w, text: w.text.slice(flag.length) }));
  switch (name) {
    case 'test': case '[': case '[[': return after(/^-[vR]$/);
    case 'printf': return [...after(/^-v$/), ...attached('-v')];
    case 'wait': return clusterNames(args, 'p', 'fn');
    case 'getopts': return args.slice(1, 2);
    case 'unset': return args.filter((w) => !w.text.startsWith('-'));
    case 'read': return readNames(args);
    default: return [];
  }
}

/** The names a builtin's option `letter` takes, in any cluster of its `flags` (`wait -fp NAME`, `-npNAME`): getopt
 *  gives the option the rest of the word, or the next word. `wait -fp PATH` unset PATH where only `-p` was looked
 *  at. A letter neither knows makes the word a name too (not read: it is not a name a read may set). */
function clusterNames(args: Word[], letter: string, flags: string): Word[] {
  const names: Word[] = [];
  for (let k = 0; k < args.length; k++) {
    const w = args[k]!;
    if (w.text === '--' || !w.text.startsWith('-') || w.text === '-') break;
    for (let c = 1; c < w.text.length; c++) {
      const l = w.text[c]!;
      if (flags.includes(l)) continue;
      const rest = w.text.slice(c + 1);
      names.push(l === letter ? (rest ? { ...w, text: rest } : args[k + 1] ?? w) : w);
      if (l === letter && !rest) k++;
      break;
    }
  }
  return names;
}

/** The variables read sets: its NAME operands, and the array -a names (alone, in a cluster like -ra, or
 *  attached: -aNAME). -d -i -n -N -p -t -u take a value, which is not a name. */
function readNames(args: Word[]): Word[] {
  const names: Word[] = [];
  let k = 0;
  for (; k < args.length; k++) {
    const w = args[k]!;
    const t = w.text;
    if (t === '--') { k++; break; }
    if (!t.startsWith('-') || t === '-') break;
    for (let c = 1; c < t.length; c++) {
      if (!'adinNptu'.includes(t[c]!)) continue;
      const rest = t.slice(c + 1);
      if (t[c] === 'a') names.push(rest ? { ...w, text: rest } : args[k + 1] ?? w);
      if (!rest) k++;
      break;
    }
  }
  return [...names, ...args.slice(k)];
}

const shown = (w: Word) => w.text.replaceAll(DYNAMIC, '$…').replaceAll(HOLE, '${{ }}').replace(/\s+/g, ' ').trim().slice(0, 40);
