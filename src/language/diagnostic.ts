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

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message} [${d.code}]`;
}

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === 'error');
