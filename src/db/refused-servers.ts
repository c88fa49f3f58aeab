// Servers the engine found it must send nothing to (code the server runs at every login: MariaDB's init_connect):
// each later login to the same place in this process is refused before it connects, since logging in runs that
// code again (a dry run of pool-exhausted logged in three times).
import { socketPath, type ConnectionInfo } from './url.js';

/** `failed`: init_connect failed the login (the session is dropped, its code ran first): an operator's fix may
 *  clear it, so an answer at a manual step lets one login find out (forgetFailedLogins). */
const refused = new Map<string, { why: string; failed: boolean }>();

/** Who logs in where: the account, and its socket or host and port (MariaDB's init_connect is the server's, not a
 *  database's; whether it runs is the account's). */
const place = (info: ConnectionInfo): string => JSON.stringify([info.engine, info.user, socketPath(info) ?? info.host, info.port]);

export function rememberRefusal(info: ConnectionInfo, why: string, failed = false): void { refused.set(place(info), { why, failed }); }

/** Why an earlier login to this server was refused, if one was. */
export function refusedBefore(info: ConnectionInfo): string | undefined { return refused.get(place(info))?.why; }

/** The operator answered a step done by hand (the auth runbook's "fix or clear init_connect"): a failed
 *  init_connect may be fixed now, and the next login may say so. Code that ran and was counted stays refused. */
export function forgetFailedLogins(): void {
  for (const [k, v] of refused) if (v.failed) refused.delete(k);
}
