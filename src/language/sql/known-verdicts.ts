// The SQL texts of the shipped runbooks, classified when dist/ is built (bin/bundle.mjs writes
// dist/sql-verdicts.json): a runbook whose SQL is among them (a built-in, a local copy of one, an edit of its
// shell or prose) is checked without loading a parser, which costs more than everything else a start does
// (PostgreSQL's WebAssembly parser ~0.1 s of CPU, node-sql-parser's grammars ~50 ms). A verdict depends on the
// engine and the exact text alone, so a match is exactly what parsing would say; any other text is parsed.
// Running from source (no index beside this module) parses everything.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlEngine, SqlVerdict } from './verdict.js';

export const SQL_VERDICTS_FILE = 'sql-verdicts.json';

const key = (engine: SqlEngine, text: string) => `${engine}\u0000${text}`;

let index: Map<string, SqlVerdict> | null | undefined;

function load(): Map<string, SqlVerdict> | null {
  if (index !== undefined) return index;
  try {
    const here = dirname(fileURLToPath(import.meta.url));
    const { verdicts } = JSON.parse(readFileSync(join(here, SQL_VERDICTS_FILE), 'utf8')) as { verdicts: [string, SqlVerdict][] };
    index = new Map(verdicts);
  } catch {
    index = null;
  }
  return index;
}

export function knownVerdict(engine: SqlEngine, text: string): SqlVerdict | undefined {
  return load()?.get(key(engine, text));
}

/** Every verdict a parser gave in this process (for the build, which writes them after validating the shipped
 *  runbooks). */
const given = new Map<string, SqlVerdict>();
export function remember(engine: SqlEngine, text: string, verdict: SqlVerdict): void {
  if (given.size < 10_000) given.set(key(engine, text), verdict);
}
export const verdictsGiven = (): [string, SqlVerdict][] => [...given];
