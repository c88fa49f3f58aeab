// Where a secret went, beyond the step and its session: a step given a secret that may write (anything but a proven
// read: destructive or vouched, shell or SQL) can leave it, in any form, wherever it may write: a file (`rev`,
// base64, one character a line), a table, a process's command line. A probe of stop 81 had a later `sort F`, a proven
// read given nothing, print a PIN's digits one a line: no masker knows a transformed secret. So from the moment such
// a step begins, the run is written: a later read is given that secret (secrets/step-taint.ts: it tells only status
// and duration) unless the engine can show it reads none of it:
//   - a proven shell read on this machine: every program a reviewed file reader, every file it can read (its own
//     binary too) unchanged since (changed-files.ts);
//   - any SQL step, on any connection (a table the writer filled is read by any session of that server; two
//     connections may name one server), and a shell read on another host (the engine cannot look there).
// A shell step that acts (destructive or vouched) is not judged: said in docs/reliability.md.
// A resumed run keeps it: the step's start is recorded (step-started `writes`), resume/point.ts reads it back, and
// a step in flight when the run was killed counts from its start.
import type { Prepared } from './prepare.js';
import { changedFilesRead } from './changed-files.js';
import { planOfTemplate } from '../language/shell-plan.js';
import type { StepDoc } from '../language/schema.js';

/** The first step given a secret that could write, and when it began. */
export interface Written { stepId: string; sinceMs: number }

export class WrittenSecrets {
  constructor(private written?: Written) {}

  get first(): Written | undefined { return this.written; }

  /** Whether the prepared action, given a secret, may write: the caller records its start (step-started). */
  static writes(prepared: Prepared): boolean {
    const a = prepared.action;
    if (!prepared.given?.length) return false;
    if (a.kind === 'shell') return a.proven !== true;
    // A read writes no table: on PostgreSQL its transaction is rolled back (a vouched one's too); on MySQL and
    // MariaDB it runs in a READ ONLY transaction with tx_read_only=1 on the statement, which refuses changes to
    // every table other sessions see, MyISAM's too (mysql-session.ts). Counting a vouched MariaDB read made every
    // later SQL step of a run withheld after one vouched read of mysql.user (sql-mariadb-system-views, stop 81's CI).
    // What a vouched function does beyond tables (SET GLOBAL) is the author's word (docs/confirmation.md).
    if (a.kind === 'sql') return !a.readOnly;
    return false;
  }

  /** A step that may write, given a secret, begins now (or began at `atMs`, in an interrupted run's record). */
  began(stepId: string, atMs = Date.now()): void {
    if (!this.written || atMs < this.written.sinceMs) this.written = { stepId, sinceMs: atMs };
  }

  /** The step's action as given what the run's writes may hold. `text`: a shell step's text (its plan is read again,
   *  as prepare.ts reads it). */
  taint(stepId: string, prepared: Prepared, text?: string): Prepared {
    const w = this.written;
    const a = prepared.action;
    if (!w || w.stepId === stepId || (a.kind !== 'shell' && a.kind !== 'sql')) return prepared;
    const said = (why: string[]) => `what step ${w.stepId}, given a secret, could write (${why.join('; ')})`;
    let why: string[];
    if (a.kind === 'sql') why = ['a table any session of a server may read'];
    // A step that acts (destructive or vouched) reads what it will, shown as the operator approved it: not bounded
    // here, said in docs/reliability.md (stop 81). The writer itself is its own.
    else if (a.proven !== true) return prepared;
    else if (a.remote) why = ['on another host, where the engine cannot look'];
    else {
      const plan = text === undefined ? undefined : planOfTemplate(text);
      if (!plan) why = ['a read the engine cannot read again'];
      else {
        const read = () => changedFilesRead(plan, a.values ?? [], w.sinceMs, a.cwd, a.env?.PATH ?? process.env.PATH);
        why = read();
        // What the writer left running may write between this look and the read's open (a probe of stop 81: a
        // setsid loop waiting for `od` rewrote the file it was about to open): the read's output is held and the
        // look taken again once it ended (execute-action.ts), withheld if anything changed meanwhile.
        if (!why.length) return { ...prepared, recheck: () => { const again = read(); return again.length ? [said(again)] : []; } };
      }
    }
    if (!why.length) return prepared;
    return { ...prepared, given: [...(prepared.given ?? []), said(why)] };
  }
}

/** A shell step's text (a wait step's poll's too), as prepare.ts reads it. */
export function shellText(step: StepDoc): string | undefined {
  const shell = step.wait ? step.wait.shell : step.shell;
  return shell === undefined ? undefined : typeof shell === 'string' ? shell : shell.run;
}
