// A located finding about a runbook. Every stage reports problems this way, never by throwing.
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

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === 'error');
