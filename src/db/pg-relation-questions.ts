// The questions a read's relations' message asks (db/pg-pin-relations.ts), prepared once per session with the
// relations as parameters (db/pg-prepared-question.ts): what the names resolve to now, the code the server runs
// for them, what they reach of the server's secrets, and what is watched (asked again after the statement).
// Planning them afresh was ~47 ms of server time per read of a relation at load 36 (docs/performance.md, stop 80).
// Each is EXECUTEd in the same message, after the lock, as it was asked before: same transaction, same answers.
import { dependenciesSqlOf, resolvedSqlOf } from './pg-pin-sql.js';
import { PreparedQuestion } from './pg-prepared-question.js';
import { secretReachSqlOf } from './pg-secret-reach.js';
import { watchSqlOf } from './pg-watch-sql.js';

const TEXTS = 'pg_catalog.text[]';

/** Set in a message that asks them, and set back after (the read's own statement runs under the role's values;
 *  both are reviewed settings: the same rows either way). plan_cache_mode: a statement with parameters is otherwise
 *  planned afresh for its first five executions, and a role may set force_custom_plan. work_mem: the planner
 *  estimates millions of rows for these recursive questions (a set-returning function is 1,000 rows to it) where
 *  there are a few, and the executor sizes each hash table (UNION, DISTINCT, a hashed subplan) by that estimate up
 *  to work_mem × hash_mem_multiplier, allocated before the first row: at the default 4 MB that was ~90 % of the
 *  code question's execution (EXPLAIN ANALYZE under load 22: 53–100 ms, 3–9 ms at 64 kB; stop 81). A hash table
 *  grows past it when it must, and a sort or an aggregate spills to a temporary file: the answer is the same. */
export const QUESTION_SETTINGS = ['plan_cache_mode = force_generic_plan', "work_mem = '64kB'"].map((s) => `SET LOCAL ${s}`);
export const QUESTION_SETTINGS_BACK = ['plan_cache_mode', 'work_mem'].map((s) => `SET LOCAL ${s} = DEFAULT`);

export class RelationQuestions {
  readonly resolved = new PreparedQuestion('resolved', ([names]) => resolvedSqlOf(names!), [TEXTS]);
  readonly dependencies = new PreparedQuestion('dependencies', ([names]) => dependenciesSqlOf(names!), [TEXTS]);
  readonly secrets = new PreparedQuestion('secrets', (args) => secretReachSqlOf(args), [TEXTS, TEXTS, TEXTS, TEXTS]);
  readonly watch = new PreparedQuestion('watch', ([names]) => watchSqlOf(names!), [TEXTS]);
  private readonly all = [this.resolved, this.dependencies, this.secrets, this.watch];

  /** The message that held their PREPAREs ran to its end, or failed (PreparedQuestion.settled). */
  settled(ok: boolean): void { for (const q of this.all) q.settled(ok); }

  /** A statement the engine did not write ran on the session. */
  forget(): void { for (const q of this.all) q.forget(); }

  /** Whether `err` says one of them is gone (a pooler's other connection): then all are asked in full from now. */
  gone(err: unknown): boolean {
    if (!this.all.some((q) => q.gone(err))) return false;
    this.toInline();
    return true;
  }

  /** Asked in full from now on (the planted-objects question found its statement gone). */
  toInline(): void { for (const q of this.all) q.toInline(); }
}
