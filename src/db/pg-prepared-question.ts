// A catalog question a read asks every time, prepared once per session (PREPARE outlives the read's ROLLBACK) and
// EXECUTEd by each read: the answer is read fresh every time, only the plan is kept. Planning these questions was
// most of what a read cost the server (docs/performance.md: stops 70 and 81). Its name is random per session and
// changes after any statement the engine did not write ran there (a destructive or vouched step could DEALLOCATE
// it and PREPARE one that finds nothing under the same name). Where the statement is gone (a pooler in
// transaction mode put the read on another server connection), the question is asked in full from then on.
import { randomBytes } from 'node:crypto';

const INVALID_STATEMENT_NAME = '26000';

/** `sql`: the question with its parameters' SQL expressions in place ($1… when prepared, the values inline);
 *  `types`: the parameters' types. */
export class PreparedQuestion {
  private name = '';
  private prepared = false;
  private inline = false;
  /** statements() gave a PREPARE that has not been settled yet. */
  private pending = false;

  constructor(private readonly label: string, private readonly sql: (args: string[]) => string, private readonly types: string[] = []) {
    this.forget();
  }

  /** What a message sends: a PREPARE the first time (its result is nothing), then the question. `args`: the
   *  parameters' values as SQL expressions (constants: EXECUTE evaluates them, the message stays the engine's). */
  statements(args: string[] = []): { prepare?: string; ask: string } {
    if (args.length !== this.types.length) throw new Error(`${this.label}: ${args.length} arguments for ${this.types.length} parameters`);
    if (this.inline) return { ask: this.sql(args) };
    const call = args.length ? `(${args.join(', ')})` : '';
    if (this.prepared) return { ask: `EXECUTE ${this.name}${call}` };
    this.pending = true;
    const params = this.types.map((_, i) => `$${i + 1}`);
    const declared = this.types.length ? `(${this.types.join(', ')})` : '';
    return { prepare: `PREPARE ${this.name}${declared} AS ${this.sql(params)}`, ask: `EXECUTE ${this.name}${call}` };
  }

  /** The question asked in full whatever this session prepared (after a text that could have replaced it). */
  full(args: string[] = []): string { return this.sql(args); }

  /** The message holding its PREPARE ran to its end (ok) or failed: one that failed may have prepared it or not,
   *  so the next read prepares another name (a second PREPARE of the same name would be an error). */
  settled(ok: boolean): void {
    if (!this.pending) return;
    this.pending = false;
    if (ok) this.prepared ||= !this.inline;
    else if (!this.prepared) this.forget();
  }

  /** A statement the engine did not write ran on the session: the prepared question may not be the engine's. */
  forget(): void {
    this.name = `runbook_${this.label}_${randomBytes(8).toString('hex')}`;
    this.prepared = false;
    this.pending = false;
  }

  /** Whether `err` says a prepared statement is gone where this one was prepared: if so, asked in full from now. */
  gone(err: unknown): boolean {
    if (this.inline || !this.prepared || (err as { code?: unknown }).code !== INVALID_STATEMENT_NAME) return false;
    this.toInline();
    return true;
  }

  /** Asked in full from now on (another question of the session found its statement gone). */
  toInline(): void { this.inline = true; }
}
