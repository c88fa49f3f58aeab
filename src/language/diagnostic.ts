// A located finding about a runbook. Every stage reports problems this way, never by throwing.
import { isAbsolute, relative } from 'node:path';
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  code: string;          // stable identifier, e.g. unknown-step, schema, unreachable
  message: string;       // one line, says what is wrong and, where it can, the fix
  file: string;
  line: number;          // 1-based
  col: number;           // 1-based
}

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const MAX_MESSAGE = 500;

/** Messages quote the author's text (keys, names, values): its line breaks and terminal control
 *  characters are shown escaped, so a diagnostic stays one line and cannot rewrite the terminal; a quote of
 *  a huge key is cut in the middle, keeping the message's start and its hint at the end. */
export function oneLine(message: string): string {
  const short = message.length <= MAX_MESSAGE ? message : `${message.slice(0, 300)}…${message.slice(-150)}`;
  return short.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message} [${d.code}]`;
}

/** A file as the operator named it: relative to the current directory when it is under it (the docs' and the
 *  editor's short paths), else as it is. Only for printing: diagnostics keep absolute paths (the validate
 *  cache replays them from any directory). */
export function shownPath(file: string, cwd = process.cwd()): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** One diagnostic as the CLI prints it. */
export const formatShown = (d: Diagnostic): string => formatDiagnostic({ ...d, file: shownPath(d.file) });

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === 'error');
