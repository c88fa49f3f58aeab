// The finding: one paragraph, from the first failed check, else the first warning, else the pool's pressure. Each
// specific reading (whose limit, which side of a TLS handshake, slow or waited) is built from the check's evidence;
// the classification's one-line explanation is the fallback.
import { explain } from '../db/classify.js';
import type { MysqlLink } from '../db/mysql-link.js';
import type { ConnectionInfo } from '../db/url.js';
import type { Classification } from '../common/classification.js';
import { handshakeFinding } from './handshake.js';
import { authWaitFinding } from './phases.js';
import { limitFinding } from './limit-scope.js';
import { slowFinding, waitedFinding } from './slow.js';
import type { Check } from './types.js';

/** The checks conclude() found: the first failed one, and the warnings it reads in order. */
export interface Found { failed?: Check; path?: Check; startup?: Check; session?: Check; pool?: Check }

export function findingOf(found: Found, classification: Classification, checks: Check[], info: ConnectionInfo | undefined): string {
  const { failed, path, startup, session, pool } = found;
  const explained = explain(classification);
  if (failed) return failed.layer === 'config' ? failed.summary : failedFinding(failed, classification, checks, info) ?? explained;
  if (path) return `${path.layer === 'tcp' ? 'Connected through a later address, but ' : 'Connected, but slower than the client allows: '}${path.summary.replace(/^timeout: /, '')}. ${explained}`;
  if (startup) return `Connected, but ${startup.summary.replace(/^pooler-config: this URL logs in, but /, '')}. ${explained}`;
  if (session) return `${capitalized(session.summary.replace(/^[a-z-]+: /, ''))}. ${explained}`;
  if (pool) return `Connected, but the server is nearly out of connection slots: ${pool.summary}.`;
  return 'Every layer works: the URL parses, resolves, accepts TCP, and logs in.';
}

/** A failed check's own reading, where its evidence says more than its class. */
function failedFinding(failed: Check, classification: Classification, checks: Check[], info: ConnectionInfo | undefined): string | undefined {
  if (classification === 'too-many-connections') return limitFinding(failed);
  if (classification === 'tls-handshake' && info) return handshakeFinding(info, checks);
  if (classification === 'auth' && plainWhereTlsOffered(failed)) return PLAIN_REFUSED_TLS_OFFERED;
  const d = failed.details ?? {};
  if (typeof d.answeredMs === 'number' || typeof d.greetedMs === 'number') return slowFinding(d as { answeredMs?: number; greetedMs?: number });
  const authWait = authWaitFinding(failed, explain(classification));
  if (authWait) return authWait;
  if (classification === 'timeout' && typeof d.portAnsweredMs === 'number') return waitedFinding(d.portAnsweredMs, info?.engine);
  return undefined;
}

/** A MySQL/MariaDB login refused as auth over plain text, where the server's greeting offered TLS. */
function plainWhereTlsOffered(failed: Check): boolean {
  const link = failed.details?.link as MysqlLink | undefined;
  return link?.greeting?.offersTls === true && !link.tlsStarted;
}

// The server's answer is the same for both causes; a retry over TLS would be a second failed login where the server
// counts them (db/open.ts), so the finding names both and the one place that tells them apart.
const PLAIN_REFUSED_TLS_OFFERED = 'The server refused this plain-text login as it refuses a wrong password, and it offers TLS, '
  + 'which this login did not use: MariaDB and MySQL give the same answer to a plain login under require_secure_transport, '
  + 'or for an account created REQUIRE SSL. Diagnose does not retry over TLS, since a second failed login counts against '
  + 'the account on servers that count them. Run the auth runbook with admin_url: it reads require_secure_transport and '
  + 'the account\'s REQUIRE and names the one that applies (or try the URL with sslmode=require).';

const capitalized = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
