// Servers the engine found it must send nothing to (code the server runs at every login: MariaDB's init_connect,
// a PostgreSQL login event trigger or a library a role's settings load): each later login of the run to the same
// place is refused before it connects, since logging in runs that code again (a dry run of pool-exhausted logged
// in three times; one of a 10-item loop, ten).
import { socketPath, type ConnectionInfo } from './url.js';

/** One run's servers (each run's executors make their own: executors/index.ts). */
export class RefusedServers {
  /** `failed`: init_connect failed the login (the session is dropped, its code ran first): an operator's fix may
   *  clear it, so an answer at a manual step lets one login find out (forgetFailed). */
  private readonly refused = new Map<string, { why: string; failed: boolean }>();

  remember(info: ConnectionInfo, why: string, failed = false): void { this.refused.set(place(info), { why, failed }); }

  /** Why an earlier login to this server was refused, if one was. */
  before(info: ConnectionInfo): string | undefined { return this.refused.get(place(info))?.why; }

  /** The operator answered a step done by hand (the auth runbook's "fix or clear init_connect"): a failed
   *  init_connect may be fixed now, and the next login may say so. Code that ran and was counted stays refused. */
  forgetFailed(): void {
    for (const [k, v] of this.refused) if (v.failed) this.refused.delete(k);
  }
}

/** Who logs in where: the account, and its socket or host and port (MariaDB's init_connect is the server's, not a
 *  database's; whether it runs is the account's; a PostgreSQL role's settings are the role's). */
const place = (info: ConnectionInfo): string => JSON.stringify([info.engine, info.user, socketPath(info) ?? info.host, info.port]);
