// Classification → the scenario a person would name and the built-in runbook that handles it.
import type { Classification } from '../executors/types.js';

interface Scenario { scenario: string; runbook: string | null }

const BY_CLASSIFICATION: Record<Classification, Scenario> = {
  ok: { scenario: 'healthy', runbook: null },
  dns: { scenario: 'dns', runbook: 'timeout' },          // the timeout runbook walks DNS first
  refused: { scenario: 'refused', runbook: 'refused' },
  timeout: { scenario: 'timeout', runbook: 'timeout' },
  unreachable: { scenario: 'unreachable', runbook: 'timeout' },
  auth: { scenario: 'auth', runbook: 'auth' },
  'database-missing': { scenario: 'database-missing', runbook: 'auth' },
  'ssl-required': { scenario: 'ssl', runbook: 'ssl' },
  'ssl-unsupported': { scenario: 'ssl', runbook: 'ssl' },
  'cert-untrusted': { scenario: 'ssl', runbook: 'ssl' },
  'cert-hostname': { scenario: 'ssl', runbook: 'ssl' },
  'cert-expired': { scenario: 'ssl', runbook: 'ssl' },
  'too-many-connections': { scenario: 'pool-exhausted', runbook: 'pool-exhausted' },
  // A connection the server cut while it was being opened: restarting, crashing, or a proxy in the way.
  'connection-lost': { scenario: 'connection-lost', runbook: 'refused' },
  // Never a connection problem: a runbook step refused for writing in a read-only transaction.
  'not-read-only': { scenario: 'unknown', runbook: null },
  // Where a shell step runs, never a database connection: diagnose does not produce these.
  'target-unreachable': { scenario: 'unknown', runbook: null },
  'target-auth': { scenario: 'unknown', runbook: null },
  'target-hostkey-changed': { scenario: 'unknown', runbook: null },
  'target-hostkey-unknown': { scenario: 'unknown', runbook: null },
  'target-hostkey-pinned': { scenario: 'unknown', runbook: null },
  'target-denied': { scenario: 'unknown', runbook: null },
  'target-client-missing': { scenario: 'unknown', runbook: null },
  // Up but not taking logins: the refused runbook waits for the server and checks it is the right one.
  'server-starting': { scenario: 'server-starting', runbook: 'refused' },
  standby: { scenario: 'standby', runbook: 'refused' },
  privilege: { scenario: 'privilege', runbook: 'auth' },
  'account-locked': { scenario: 'account-locked', runbook: 'auth' },
  'password-expired': { scenario: 'password-expired', runbook: 'auth' },
  // PgBouncer in front of the server: the layer is the pooler, not the database.
  'pooler-client-limit': { scenario: 'pooler', runbook: 'pool-exhausted' },
  'pooler-wait-timeout': { scenario: 'pooler', runbook: 'pool-exhausted' },
  'pooler-auth': { scenario: 'pooler', runbook: 'auth' },
  'pooler-auth-query': { scenario: 'pooler', runbook: 'auth' },
  'pooler-backend-down': { scenario: 'pooler', runbook: 'refused' },
  // The classes of #31, each with a path in a built-in runbook whose advice says what to change and whom to tell.
  'session-timeout': { scenario: 'session-timeout', runbook: 'session-dropped' },
  'read-only-server': { scenario: 'read-only-server', runbook: 'read-only' },
  'database-closed': { scenario: 'database-closed', runbook: 'read-only' },
  'host-blocked': { scenario: 'host-blocked', runbook: 'auth' },
  'too-many-login-failures': { scenario: 'account-locked', runbook: 'auth' },
  'auth-method': { scenario: 'auth-method', runbook: 'auth' },
  'password-missing': { scenario: 'password-missing', runbook: 'auth' },
  'quota-exceeded': { scenario: 'quota-exceeded', runbook: 'pool-exhausted' },
  'init-connect-failed': { scenario: 'init-connect-failed', runbook: 'auth' },
  'pooler-config': { scenario: 'pooler', runbook: 'pooler-config' },
  // The refused runbook's login check names the service that answers instead.
  'protocol-mismatch': { scenario: 'protocol-mismatch', runbook: 'refused' },
  'server-resources': { scenario: 'server-resources', runbook: 'pool-exhausted' },
  // The refused runbook's socket-file step reads the socket's permissions and says whom to ask.
  'socket-access': { scenario: 'socket-access', runbook: 'refused' },
  'tls-handshake': { scenario: 'ssl', runbook: 'ssl' },
  'client-cert-rejected': { scenario: 'ssl', runbook: 'ssl' },
  // Something between: the refused runbook's login check ends with the proxy's own settings to check.
  'proxy-closed': { scenario: 'proxy', runbook: 'refused' },
  'tls-terminator': { scenario: 'proxy', runbook: 'refused' },
  // Not a connection failure: diagnose names the setting and where it is set; no runbook changes it.
  'statement-timeout': { scenario: 'statement-timeout', runbook: null },
  other: { scenario: 'unknown', runbook: null },
};

export function scenarioOf(c: Classification): Scenario {
  return BY_CLASSIFICATION[c];
}

/** A URL that does not parse is a config problem; the auth runbook covers encoding special characters. */
export const CONFIG_SCENARIO: Scenario = { scenario: 'config', runbook: 'auth' };
/** A TLS file the URL names (sslrootcert, sslcert, sslkey) cannot be read: the ssl runbook walks the files. */
export const TLS_FILE_SCENARIO: Scenario = { scenario: 'ssl', runbook: 'ssl' };
/** Connected, but few slots left: the next burst of traffic hits too-many-connections. */
export const POOL_PRESSURE: Scenario = { scenario: 'pool-pressure', runbook: 'pool-exhausted' };
