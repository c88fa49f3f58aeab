// Classification → the step of the runbook `diagnose` names (scenarios.ts) that gives its advice: where an
// operator sent there reads what to change and whom to tell. The first is the usual one; where the server's state,
// not the error, decides between two (a standby or a read-only setting), both are listed. The error table's
// docs show it per row (src/docs/error-table.ts), and a test checks every step exists in its runbook.
import type { Classification } from '../common/classification.js';
import type { ErrorRow } from '../db/errors/row.js';

const BY_CLASSIFICATION: Record<Classification, readonly string[]> = {
  ok: [], other: [], 'not-read-only': [], 'statement-timeout': [],
  'target-unreachable': [], 'target-auth': [], 'target-hostkey-changed': [], 'target-hostkey-unknown': [],
  'target-hostkey-pinned': [], 'target-denied': [], 'target-client-missing': [],
  // refused
  refused: ['elsewhere', 'bind-address', 'wrong-port', 'localhost-trap'],
  'connection-lost': ['restart-app'],
  'server-starting': ['wait-login'],
  standby: ['standby'],
  'pooler-backend-down': ['pooler-backend'],
  'protocol-mismatch': ['wrong-service'],
  'socket-access': ['socket-access'],
  'proxy-closed': ['proxy-unknown', 'proxy-queue', 'proxy-backend-down'],
  'tls-terminator': ['tls-terminator'],
  // timeout
  dns: ['dns-failed'],
  timeout: ['firewall', 'silent-server', 'slow-path'],
  unreachable: ['firewall'],
  // auth
  auth: ['password-rejected', 'unknown-user'],
  'database-missing': ['missing-db'],
  privilege: ['no-connect'],
  'account-locked': ['locked-account'],
  'password-expired': ['locked-account'],
  'pooler-auth': ['pooler-auth'],
  'pooler-auth-query': ['pooler-auth-query'],
  'host-blocked': ['unblock-host'],
  'too-many-login-failures': ['unblock-account'],
  'auth-method': ['auth-method'],
  'password-missing': ['no-password'],
  'init-connect-failed': ['init-connect-fix'],
  // ssl
  'ssl-required': ['needs-tls'],
  'ssl-unsupported': ['server-no-tls'],
  'cert-untrusted': ['untrusted'],
  'cert-hostname': ['hostname'],
  'cert-expired': ['expired'],
  'tls-handshake': ['tls-versions'],
  'client-cert-rejected': ['client-cert-rejected'],
  // pool-exhausted
  // The endings hand over with the slots' numbers where nothing was freed (a dry run, sessions that refill).
  'too-many-connections': ['shrink-pools', 'role-limit', 'still-full', 'no-room'],
  'pooler-client-limit': ['pooler-client-limit'],
  'pooler-wait-timeout': ['pooler-pool-full'],
  'quota-exceeded': ['quota'],
  'server-resources': ['server-resources'],
  // the #31 runbooks
  'session-timeout': ['pool-below-server', 'open-transaction', 'in-between'],
  'read-only-server': ['standby-primary', 'read-only-setting'],
  'database-closed': ['reopen-database'],
  'pooler-config': ['add-parameter'],
};

/** Rows whose own text names a more precise step than their classification's (the auth runbook routes on it). */
const BY_TEXT: [RegExp, readonly string[]][] = [
  [/is not allowed to connect/i, ['account-hosts']],
  [/no pg_hba\.conf entry|pg_hba\.conf rejects connection/i, ['fix-hba']],
  [/certificate authentication failed|requires a valid client certificate/i, ['client-cert']],
  [/(LDAP|RADIUS|PAM|BSD) authentication failed/i, ['external-auth', 'hba-rules']],
];

export function adviceSteps(classification: Classification, row?: Pick<ErrorRow, 'sample'>): readonly string[] {
  const precise = row && classification === 'auth' ? BY_TEXT.find(([re]) => re.test(row.sample))?.[1] : undefined;
  return precise ?? BY_CLASSIFICATION[classification];
}
