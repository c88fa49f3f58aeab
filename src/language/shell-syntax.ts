// The shapes the shell reader produces (shell-words.ts reads a script into them, shell-commands.ts groups its
// tokens into simple commands), shared by both.

export const HOLE = '\u0000';      // a runbook `${{ }}` hole: a value bash receives at run time
export const DYNAMIC = '\u0001';   // stands in a word's text for what bash computes at run time

/** Whether text the reader produced holds a value: a `${{ }}` hole or a part bash computes at run time. */
export const holdsValue = (text: string): boolean => text.includes(HOLE) || text.includes(DYNAMIC);

export interface Word {
  text: string;        // quotes removed; computed parts are DYNAMIC
  dynamic: boolean;    // contains a variable, substitution or ${{ }} value
  pattern: boolean;    // an unquoted glob or brace expansion: bash may turn it into other words
  quoted: boolean;     // some of it was quoted or escaped (an unquoted reserved word is not)
  splits?: boolean;    // an unquoted expansion in it: bash may split it into several words
}
export interface Redirect { op: string; target?: Word; body?: { text: string; script: boolean } }
export interface SimpleCommand { words: Word[]; redirects: Redirect[]; pipedIn: boolean }
/** problems: syntax bash would refuse; unreadable: constructs that run code the text does not show, or that the
 *  reader does not fully understand. The lint reads both as not proven. */
/** `unquoted`: each expansion bash reads outside quotes, as written (it splits and globs): how validate checks
 *  that a ${{ }} value's reference stands quoted where the engine puts it (shell-check.ts). */
export interface ParsedScript { commands: SimpleCommand[]; problems: string[]; unreadable: string[]; unquoted?: string[] }

export type Token = { t: 'word'; w: Word } | { t: 'op'; op: string; redirect?: Redirect };

/** Words that leave the next word in command position. */
export const RESERVED_BEFORE_COMMAND = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time', 'coproc']);
