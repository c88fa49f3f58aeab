// Is this SQL text a plain read on this engine? One entry for the validator's lint and for the run.
import { classifyMysql } from './mysql-classify.js';
import { classifyPg } from './pg-classify.js';
import { parsePg } from './pg-parser.js';
import type { SqlEngine, SqlVerdict } from './verdict.js';

export type { SqlEngine, SqlVerdict } from './verdict.js';

export function classifySql(text: string, engine: SqlEngine): SqlVerdict {
  return classifyMany([text], engine)[0]!;
}

/** Several texts at once: PostgreSQL's parser answers them in one exchange with its worker. */
export function classifyMany(texts: readonly string[], engine: SqlEngine): SqlVerdict[] {
  if (engine === 'mysql') return texts.map(classifyMysql);
  return parsePg(texts).map(classifyPg);
}
