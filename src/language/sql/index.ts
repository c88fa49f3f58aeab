// Is this SQL text a plain read on this engine? One entry for the validator's lint and for the run.
import { classifyMysql } from './mysql-classify.js';
import { classifyPg } from './pg-classify.js';
import { askPg, pgParserFailed } from './pg-parser.js';
import { knownVerdict, remember } from './known-verdicts.js';
import { cachedVerdict, storeVerdict } from './verdict-cache.js';
import { unparsed, type SqlEngine, type SqlVerdict } from './verdict.js';

/**
 * Longer texts are not parsed, so a hostile runbook cannot make validation slow: node-sql-parser (a PEG
 * parser) took 3.5 s on a 20 KB SELECT list on the loaded test machine; PostgreSQL's parser is fast, but its
 * tree crosses a thread as JSON. The built-in runbooks' longest query is under 1 KiB.
 */
const MAX_BYTES: Record<SqlEngine, number> = { postgres: 32 * 1024, mysql: 4 * 1024 };

const tooLong = (text: string, engine: SqlEngine, max = MAX_BYTES[engine], what = 'SQL of a step that is not destructive'): SqlVerdict | undefined => {
  const bytes = Buffer.byteLength(text);
  if (bytes <= max) return undefined;
  return unparsed(`it is ${(bytes / 1024).toFixed(1)} KiB, and ${what} is checked up to ${max / 1024} KiB`);
};

export type { SqlEngine, SqlVerdict } from './verdict.js';
export { CANNOT_VOUCH } from './verdict.js';

export function classifySql(text: string, engine: SqlEngine): SqlVerdict {
  return classifyMany([text], engine)[0]!;
}

/** A server view's own definition (db/mysql-relations-check.ts): MariaDB's mysql.user is 4.4 KiB, longer than
 *  any step's SQL; what a server stores is checked up to 64 KiB (a stored definition, not an author's input). */
export function classifyViewDefinition(text: string): SqlVerdict {
  return tooLong(text, 'mysql', 64 * 1024, "a view's definition") ?? knownVerdict('mysql', text) ?? mysqlCached(text);
}

/** Several texts at once: PostgreSQL's parser answers them in one exchange with its worker. */
export function classifyMany(texts: readonly string[], engine: SqlEngine): SqlVerdict[] {
  return classifyLater(texts, engine)();
}

/**
 * Starts classifying; the returned function gives the verdicts. PostgreSQL's parser works in its own thread
 * meanwhile (loading it is most of the cost), so the caller can classify MySQL texts in between.
 */
export function classifyLater(texts: readonly string[], engine: SqlEngine): () => SqlVerdict[] {
  if (engine === 'mysql') return () => texts.map((t) => tooLong(t, engine) ?? stored(engine, t) ?? mysqlCached(t));
  // Only texts neither the build's index nor validate's cache knows reach the parser: none, and it never loads.
  const before = new Map(texts.map((t) => [t, tooLong(t, engine) ?? stored(engine, t)]));
  const short = texts.filter((t) => !before.get(t));
  const answers = short.length ? askPg(short) : () => [];
  return () => {
    const parsed = new Map(answers().map((p, i) => [short[i]!, p]));
    return texts.map((t) => before.get(t) ?? pgVerdict(t, parsed.get(t)!));
  };
}

/** A verdict known without a parser: the build's index of the shipped SQL, then (validate only) its disk cache. */
const stored = (engine: SqlEngine, text: string): SqlVerdict | undefined => knownVerdict(engine, text) ?? cachedVerdict(engine, text);

function pgVerdict(text: string, parsed: Parameters<typeof classifyPg>[0]): SqlVerdict {
  const v = classifyPg(parsed);
  // A parser that did not answer gives a verdict about the machine, not the text: never remembered.
  if (!pgParserFailed()) {
    remember('postgres', text, v);
    storeVerdict('postgres', text, v);
  }
  return v;
}

/** A MySQL text is parsed once per process (a PEG parse takes milliseconds); the run checks every step again. */
const mysqlVerdicts = new Map<string, SqlVerdict>();
function mysqlCached(text: string): SqlVerdict {
  let v = mysqlVerdicts.get(text);
  if (!v) {
    if (mysqlVerdicts.size >= 1000) mysqlVerdicts.clear();
    v = classifyMysql(text);
    mysqlVerdicts.set(text, v);
    remember('mysql', text, v);
    storeVerdict('mysql', text, v);
  }
  return v;
}
