// What bash would compute at run time from text the lint's reader (shell-words.ts) cannot follow: arithmetic,
// subscripts and offsets that evaluate a variable's value as code, a value expanded as a prompt, a coprocess, a
// variable a read may not set (a loop's, ${NAME:=…}).
// Each is one line saying why, for the lint's "cannot vouch for this script" diagnostic.

import { inertVariable, variableWhy } from './shell-vars.js';

/** Text bash would run if it evaluated it as an expression: a substitution or an expansion. */
export const CODE = /\$\(|`|\$\{|\$\[/;

/** A word in command position that starts code the reader does not follow; `after` is the text after it. */
export function commandWordRisk(word: string, after: string): string | undefined {
  // A coprocess runs beside the script with pipes the lint does not follow.
  if (word === 'coproc') return "'coproc': a coprocess, which the lint's reader does not follow";
  if (word === 'for' && /^\s*\(\(/.test(after)) return "'for (( … ))': arithmetic, whose variables bash evaluates as code";
  // for NAME / select NAME assign NAME each turn: only a name a read may set (shell-vars.ts).
  const loopVar = word === 'for' || word === 'select' ? /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(after)?.[1] : undefined;
  if (loopVar && !inertVariable(loopVar)) return `'${word} ${loopVar}': ${variableWhy(loopVar)}`;
  return undefined;
}

/** `$(( … ))` (as `(( … ))`): bash evaluates a variable's value as an expression again
 *  (`x='a[$(cmd)]'; echo $(( x ))` runs cmd). */
export function arithmeticRisk(expr: string): string | undefined {
  return /[A-Za-z_$`]/.test(expr.slice(2, -2)) ? `'$${expr.slice(0, 40)}': arithmetic on a variable, whose value bash evaluates as code` : undefined;
}

/** `${` as bash 5.2 starts a parameter: `${#}` or `${!}`; a length `${#…}` of a name (or an element) or of a
 *  special parameter; an indirection `${!…}`; or a name, digits or a special parameter, then the end, a subscript
 *  (after a name only) or an operator. */
const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const OPERATOR = '[}:\\-=?+#%/^,@*]';
const PARAMETER_START = new RegExp(`^\\$\\{(?:[#!]\\}|#(?:${NAME}[}[]|(?:[0-9]+|[@*?$!#-])\\})`
  + `|!(?:${NAME}[}[:\\-=?+#%/^,@*]|(?:[0-9]+|[@*?$#-])\\})|${NAME}[[]|${NAME}${OPERATOR}|(?:[0-9]+|[@*?$#-])${OPERATOR})`);

/** `${ … }` as written: a prompt expansion, or a subscript or offset (arithmetic) over a variable. */
export function parameterRisks(expansion: string): string[] {
  // Only the forms bash 5.2 expands: `${` then a name, a digit or a special parameter, with `#` or `!` before it.
  // Anything else is a "bad substitution" there, and bash 5.3 runs `${ list; }` and `${| list; }` as commands
  // in the script's own shell: one text, two readings, so it is not proven whatever follows.
  if (!PARAMETER_START.test(expansion)) return [`'${expansion.slice(0, 40)}': not a parameter expansion (bash 5.3 runs \${ … } and \${| … } as commands)`];
  const risks: string[] = [];
  // ${NAME:=word} and ${NAME=word} assign: only a name a read may set (shell-vars.ts).
  const assigned = /^\$\{([A-Za-z_][A-Za-z0-9_]*):?=/.exec(expansion)?.[1];
  if (assigned && !inertVariable(assigned)) risks.push(`'\${${assigned}:=…}': ${variableWhy(assigned)}`);
  // ${!x}, ${!x:-…}, ${!a[0]}: the value names the variable to expand, and a subscript in that name is
  // evaluated as arithmetic (x='a[$(cmd)]' runs cmd). Only the lists of keys and names (${!a[@]}, ${!p*}) do not.
  if (/^\$\{![A-Za-z_][A-Za-z0-9_]*/.test(expansion) && !/^\$\{![A-Za-z_][A-Za-z0-9_]*(\[[@*]\]|[@*])\}$/.test(expansion)) {
    risks.push(`'${expansion.slice(0, 40)}': an indirect expansion, whose value names a variable and any subscript in it bash evaluates as code`);
  }
  // ${x@P} expands the value as a prompt, running any $( … ) in it.
  if (/@P\}$/.test(expansion)) risks.push(`'${expansion}': a value expanded as a prompt, running any code in it`);
  // An array subscript or a substring offset is arithmetic: a variable in it is evaluated as code.
  const subscript = /^\$\{[!#]?[A-Za-z_][A-Za-z0-9_]*\[([^\]]*)\]/.exec(expansion)?.[1];
  const offset = /^\$\{[!#]?[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?:(?![-=?+])([^}]*)\}$/.exec(expansion)?.[1];
  if ((subscript !== undefined && !/^\s*(\d+|@|\*)\s*$/.test(subscript)) || (offset !== undefined && /[A-Za-z_$`]/.test(offset))) {
    risks.push(`'${expansion.slice(0, 40)}': a subscript or offset bash evaluates as arithmetic, running code in a variable's value`);
  }
  return risks;
}
