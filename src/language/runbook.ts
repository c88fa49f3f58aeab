// A runbook read from disk and validated: the typed document plus where it came from.
import { createRequire } from 'node:module';
import { hasErrors, type Diagnostic } from './diagnostic.js';
import { loadBytes, loadFile, loadText, type LoadedDocument } from './load.js';
import type { RunbookDoc } from './schema.js';
import type { SourceMap } from './source-map.js';
import { validateDocument } from './validate/index.js';

export { pgParserFailed } from './sql/pg-parser.js';
export { useVerdictCache } from './sql/verdict-cache.js';

export interface Runbook {
  doc: RunbookDoc;
  file: string;
  text: string;
  sha256: string;
  map: SourceMap;
}

export interface ReadResult { runbook?: Runbook; diagnostics: Diagnostic[] }

export function readRunbook(file: string): ReadResult {
  return fromLoaded(loadFile(file));
}

export function parseRunbook(text: string, file: string): ReadResult {
  return fromLoaded(loadText(text, file));
}

/** A runbook from bytes whose validation is already known: a built-in file byte for byte, validated when dist/
 *  was built (catalog/prevalidated.ts). Validation depends on the bytes alone, so `known` is exactly what
 *  validating them would say; without it the bytes are validated as readRunbook does. */
export function runbookFromBytes(bytes: Buffer, file: string, known?: Diagnostic[]): ReadResult {
  return fromLoaded(loadBytes(bytes, file), known);
}

function fromLoaded(loaded: LoadedDocument, known?: Diagnostic[]): ReadResult {
  const diagnostics = known && !loaded.diagnostics.length ? known : validateDocument(loaded);
  if (hasErrors(diagnostics)) return { diagnostics };
  const runbook = {
    doc: loaded.value as RunbookDoc,
    file: loaded.file,
    text: loaded.text,
    map: loaded.map,
  } as Runbook;
  // Worked out when first read (the run's transcript, a resume): `validate` never needs it, and node:crypto is
  // ~10 ms of a start (src/common/code-cache.ts). An own, enumerable property once read, as it was.
  Object.defineProperty(runbook, 'sha256', {
    configurable: true, enumerable: true,
    get() {
      const { createHash } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
      const sha256 = createHash('sha256').update(loaded.text).digest('hex');
      Object.defineProperty(runbook, 'sha256', { value: sha256, enumerable: true, writable: true, configurable: true });
      return sha256;
    },
  });
  return { runbook, diagnostics };
}
