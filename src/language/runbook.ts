// A runbook read from disk and validated: the typed document plus where it came from.
import { createHash } from 'node:crypto';
import { hasErrors, type Diagnostic } from './diagnostic.js';
import { loadFile, loadText, type LoadedDocument } from './load.js';
import type { RunbookDoc } from './schema.js';
import type { SourceMap } from './source-map.js';
import { validateDocument } from './validate/index.js';

export { pgParserFailed } from './sql/pg-parser.js';

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

function fromLoaded(loaded: LoadedDocument): ReadResult {
  const diagnostics = validateDocument(loaded);
  if (hasErrors(diagnostics)) return { diagnostics };
  const runbook: Runbook = {
    doc: loaded.value as RunbookDoc,
    file: loaded.file,
    text: loaded.text,
    sha256: createHash('sha256').update(loaded.text).digest('hex'),
    map: loaded.map,
  };
  return { runbook, diagnostics };
}
