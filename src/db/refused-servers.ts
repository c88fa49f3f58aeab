// Servers the engine found it must send nothing to (code the server runs at every login: MariaDB's init_connect):
// each later login to the same place in this process is refused before it connects, since logging in runs that
// code again (a dry run of pool-exhausted logged in three times).
import { socketPath, type ConnectionInfo } from './url.js';

const refused = new Map<string, string>();

/** Who logs in where: the account, and its socket or host and port (MariaDB's init_connect is the server's, not a
 *  database's; whether it runs is the account's). */
const place = (info: ConnectionInfo): string => JSON.stringify([info.engine, info.user, socketPath(info) ?? info.host, info.port]);

export function rememberRefusal(info: ConnectionInfo, why: string): void { refused.set(place(info), why); }

/** Why an earlier login to this server was refused, if one was. */
export function refusedBefore(info: ConnectionInfo): string | undefined { return refused.get(place(info)); }
