// The built-in runbooks are validated when dist/ is built: bin/bundle.mjs writes dist/prevalidated.json,
// each built-in file's exact bytes with what validating them reported (diagnostics, title, summary).
// `list` and `validate` compare a file's bytes with it and, on a match, need neither the YAML loader nor
// the validator (most of their start-up time). Validation depends on the bytes alone, so a match is exactly
// what validating would say; an edited or unknown file, or running from source (no index next to this
// module), is validated as usual. This module must stay light: it is what those commands load first
// (bytes are compared rather than hashed so that node:crypto need not load).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../language/diagnostic.js';

export const PREVALIDATED_FILE = 'prevalidated.json';

export interface Prevalidated {
  valid: boolean;
  title?: string;
  summary?: string;
  diagnostics: Diagnostic[];
}

/** One built-in file as stored: its bytes (base64) and the result without file names. */
interface Stored {
  bytes: string;
  size: number;
  valid: boolean;
  title?: string;
  summary?: string;
  diagnostics: Omit<Diagnostic, 'file'>[];
}

let index: Map<number, Stored[]> | null | undefined;

function load(): Map<number, Stored[]> | null {
  if (index !== undefined) return index;
  try {
    const here = dirname(fileURLToPath(import.meta.url));
    const { entries } = JSON.parse(readFileSync(join(here, PREVALIDATED_FILE), 'utf8')) as { entries: Stored[] };
    index = new Map();
    for (const e of entries) index.set(e.size, [...(index.get(e.size) ?? []), e]);
  } catch {
    index = null; // no index (running from source): everything is validated
  }
  return index;
}

/** What validating `file` would report, if its bytes are exactly a built-in runbook's; otherwise undefined. */
export function prevalidated(file: string): Prevalidated | undefined {
  if (!load()) return undefined;
  let bytes: Buffer;
  try { bytes = readFileSync(file); } catch { return undefined; }
  return prevalidatedBytes(bytes, file);
}

/** The same for bytes already read (`run` parses exactly the bytes it compared: no second read to race). */
export function prevalidatedBytes(bytes: Buffer, file: string): Prevalidated | undefined {
  const bySize = load();
  if (!bySize) return undefined;
  const hit = bySize.get(bytes.length)?.find((e) => Buffer.from(e.bytes, 'base64').equals(bytes));
  if (!hit) return undefined;
  const { valid, title, summary } = hit;
  return {
    valid, ...(title !== undefined ? { title } : {}), ...(summary !== undefined ? { summary } : {}),
    diagnostics: hit.diagnostics.map((d) => ({ ...d, file })),
  };
}

/** The index entry for a file's bytes and what validating them said, as bin/bundle.mjs stores it. */
export function indexEntry(bytes: Buffer, result: Prevalidated): Stored {
  const { title, summary } = result;
  return {
    bytes: bytes.toString('base64'), size: bytes.length, valid: result.valid,
    ...(title !== undefined ? { title } : {}), ...(summary !== undefined ? { summary } : {}),
    diagnostics: result.diagnostics.map(({ file: _file, ...rest }) => rest),
  };
}
