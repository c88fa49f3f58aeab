// Where a secret went, beyond the step: an SQL step given a secret (a parameter) hands it to its connection's
// session, and the session keeps what the step put there (`set_config('app.tok', $1, false)`, `SET @tok = ?`, a
// temporary table). A later step on the same connection can read it back in any form: a probe of stop 67 showed
// `upper(current_setting('app.tok'))` and substrings of the secret in a proven read's rows, on PostgreSQL and
// MariaDB. So the session is given the secret too: every later step on that connection, in this process, is a
// step given a secret (secrets/step-taint.ts), its results withheld and saying why. A resumed run opens new
// sessions, which hold nothing.
//
// A session is given a secret at its login too: a connection whose URL has a value from a secret in its user,
// database, host or port (url-secrets.ts) hands it to the server, which hands it back to any SQL on the session
// (current_user, current_database(), USER(), DATABASE()). Every step on it is then given that secret, a read on
// PostgreSQL too: no rollback undoes a login. Each step is prepared with its connection's URL filled in then, so
// this follows the URL it logs in with, in a resumed run as well.
import { engineOfScheme } from '../db/url.js';
import type { Prepared } from './prepare.js';

export class SessionSecrets {
  /** connection name → how its session was given a secret */
  private readonly given = new Map<string, string>();

  /** What this added to steps' `given` (what their sessions hold), not what the steps themselves hand over. */
  private readonly held = new Set<string>();

  /** The step's action as given what its session holds: the secret its connection's session was given, by a
   *  step or at its login. */
  taint(prepared: Prepared): Prepared {
    const a = prepared.action;
    if (a.kind !== 'sql') return prepared;
    const held = [
      ...(prepared.login ? [`the session of connection ${a.connection}, given ${prepared.login.given} at login`] : []),
      ...(this.given.has(a.connection) ? [this.given.get(a.connection)!] : []),
    ];
    for (const h of held) this.held.add(h);
    return held.length ? { ...prepared, given: [...(prepared.given ?? []), ...held] } : prepared;
  }

  /** After an SQL step ran: its session holds what the step was given, unless nothing of the step outlives it. A
   *  read's transaction is rolled back: on PostgreSQL that undoes what it set (set_config, SET); on MySQL and
   *  MariaDB a user variable outlives it (`SELECT @tok := ?`), which no proven read assigns but a vouched one may. */
  ran(stepId: string, prepared: Prepared): void {
    const a = prepared.action;
    // What the step itself handed over: not what its session holds, nor what it read from the server.
    const own = (prepared.given ?? []).filter((g) => !this.held.has(g) && !prepared.fromServer?.includes(g));
    if (a.kind !== 'sql' || !own.length || this.given.has(a.connection)) return;
    if (a.readOnly && (!a.vouched || engineOfScheme(a.url) === 'postgres')) return;
    this.given.set(a.connection, `the session of connection ${a.connection}, given ${own.join(', ')} by step ${stepId}`);
  }
}
