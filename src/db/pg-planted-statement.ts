// The question whether anything is planted among PostgreSQL's own objects (PLANTED_SQL) is asked before every read,
// and planning it cost 8–9 ms a read (execution ~3 ms, on a loaded machine): a `SELECT 1` step took ~15 ms over a
// raw one. The session prepares it once (PREPARE outlives the read's ROLLBACK; with no parameters the server keeps
// one generic plan, made at the first EXECUTE under the pin's planner settings) and each read EXECUTEs it, so the
// answer is as fresh as before and only the plan is reused. Its name is random per session and changes after any
// statement the engine did not write ran there (a destructive or vouched step could DEALLOCATE it and PREPARE a
// question that finds nothing under the same name). Where the statement is gone (a pooler in transaction mode put
// the read on another server connection), the read asks it again in full, and so does every later read.
import { randomBytes } from 'node:crypto';
import { PLANTED_SQL } from './pg-pin-sql.js';

const INVALID_STATEMENT_NAME = '26000';

export class PlantedStatement {
  private name = PlantedStatement.freshName();
  private prepared = false;
  private inline = false;

  private static freshName(): string { return `runbook_planted_${randomBytes(8).toString('hex')}`; }

  /** What the read's pin message sends: a PREPARE the first time (its result is nothing), then the question. */
  statements(): { prepare?: string; ask: string } {
    if (this.inline) return { ask: PLANTED_SQL };
    return { ...(this.prepared ? {} : { prepare: `PREPARE ${this.name} AS ${PLANTED_SQL}` }), ask: `EXECUTE ${this.name}` };
  }

  /** The pin's message ran to its end: what it prepared is there. One that failed may have prepared it or not:
   *  the next read prepares another name (a second PREPARE of the same name would be an error). */
  settled(ok: boolean): void {
    if (ok) this.prepared ||= !this.inline;
    else if (!this.prepared) this.forget();
  }

  /** A statement the engine did not write ran on the session: the prepared question may not be the engine's. */
  forget(): void {
    this.name = PlantedStatement.freshName();
    this.prepared = false;
  }

  /** Whether `err` says the prepared question is gone; if so, every later read asks it in full. */
  gone(err: unknown): boolean {
    if (this.inline || !this.prepared || (err as { code?: unknown }).code !== INVALID_STATEMENT_NAME) return false;
    this.inline = true;
    return true;
  }
}
