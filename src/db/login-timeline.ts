// How long each phase of one login took, on the login's own connection (issue #48): TCP, the server's greeting
// (MySQL/MariaDB speak first), TLS, authentication (from the startup message to the server's "authentication
// ok": its access rule, the password check, and any LDAP, RADIUS or PAM it waits on), and PostgreSQL's backend
// start after it. A login that did not finish names the phase it stopped in and how long it had been there: an
// authentication that hangs is told from a slow path, which slows every phase alike.
export type LoginPhase = 'tcp' | 'greeting' | 'tls' | 'auth' | 'startup';

export interface LoginTimeline {
  tcpMs?: number; greetingMs?: number; tlsMs?: number; authMs?: number; startupMs?: number;
  /** PostgreSQL: from the start of authentication until the server asked for credentials (a password, SCRAM).
   *  Absent: it never asked (trust, or a pooler holding the login before it asks: a PAUSEd database). */
  authAskedMs?: number;
  /** Not finished: the phase it was in when it failed or timed out, and how long it had been in it. */
  stalledIn?: LoginPhase; stalledMs?: number;
}

/** Marks when each phase ended; read() turns the marks into each phase's own time. */
export class LoginClock {
  private readonly startedAt = Date.now();
  private readonly endedAt: Partial<Record<LoginPhase | 'auth-asked', number>> = {};

  /** A phase ended; or, inside auth, the server asked for credentials ('auth-asked'). */
  mark(phase: LoginPhase | 'auth-asked'): void { this.endedAt[phase] ??= Date.now(); }

  /** The phases in `order` (the ones this login goes through), each timed from the end of the one before. */
  read(order: readonly LoginPhase[], finished: boolean): LoginTimeline {
    const timeline: LoginTimeline = {};
    let from = this.startedAt;
    for (const phase of order) {
      const asked = this.endedAt['auth-asked'];
      if (phase === 'auth' && asked !== undefined) timeline.authAskedMs = asked - from;
      const end = this.endedAt[phase];
      if (end === undefined) {
        if (!finished) Object.assign(timeline, { stalledIn: phase, stalledMs: Date.now() - from });
        break;
      }
      timeline[`${phase}Ms`] = end - from;
      from = end;
    }
    return timeline;
  }
}

/** The timeline a failed connect attached to its error (connectPg, connectMysqlLink). */
export function timelineOf(err: unknown): LoginTimeline | undefined {
  return (err as { loginTimeline?: LoginTimeline } | null)?.loginTimeline;
}

/** Attaches a failed login's timeline to its error, where the error can carry one. */
export function withTimeline(err: unknown, timeline: LoginTimeline): unknown {
  if (err !== null && typeof err === 'object' && !Object.isFrozen(err)) Object.assign(err, { loginTimeline: timeline });
  return err;
}
