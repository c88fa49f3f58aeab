// Shared by every check: the document, where things are, and a way to report.
import { oneLine, type Diagnostic, type Severity } from '../diagnostic.js';
import type { SourceMap } from '../source-map.js';

export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  constructor(readonly file: string, readonly map: SourceMap) {}

  at(severity: Severity, code: string, path: string, message: string, where: 'value' | 'key' = 'value', extraCols = 0): void {
    const pos = where === 'key' ? this.map.key(path) : this.map.value(path);
    this.diagnostics.push({ severity, code, message: oneLine(message), file: this.file, line: pos.line, col: pos.col + extraCols });
  }
  error(code: string, path: string, message: string, where: 'value' | 'key' = 'value'): void { this.at('error', code, path, message, where); }
  warn(code: string, path: string, message: string, where: 'value' | 'key' = 'value'): void { this.at('warning', code, path, message, where); }
}
