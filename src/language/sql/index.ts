// Is this SQL text a plain read on this engine? One entry for the validator's lint and for the run.
import { classifyMysql } from './mysql-classify.js';
import { classifyPg } from './pg-classify.js';
import { askPg } from './pg-parser.js';
import type { SqlEngine, SqlVerdict } from './verdict.js';

export type { SqlEngine, SqlVerdict } from './verdict.js';

export function classifySql(text: string, engine: SqlEngine): SqlVerdict {
  return classifyMany([text], engine)[0]!;
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
  if (engine === 'mysql') return () => texts.map(classifyMysql);
  const answers = askPg(texts);
  return () => answers().map(classifyPg);
}
