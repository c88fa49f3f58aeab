// The classifications a step's result can carry: the names `on` branches on, the transcript records and
// diagnose reports. On the lowest floor, since the language, the database layer and the executors all name them.
export const CLASSIFICATIONS = [
  'ok', 'dns', 'refused', 'timeout', 'unreachable', 'auth', 'database-missing', 'ssl-required',
  'ssl-unsupported', 'cert-untrusted', 'cert-hostname', 'cert-expired', 'too-many-connections', 'connection-lost',
  'not-read-only', 'target-unreachable', 'target-auth', 'target-hostkey-changed', 'target-hostkey-unknown', 'target-hostkey-pinned',
  'target-denied', 'target-client-missing',
  'server-starting', 'standby', 'privilege', 'account-locked', 'password-expired',
  'pooler-client-limit', 'pooler-wait-timeout', 'pooler-auth', 'pooler-auth-query', 'pooler-backend-down',
  'session-timeout', 'read-only-server', 'database-closed', 'host-blocked', 'too-many-login-failures', 'auth-method',
  'password-missing', 'quota-exceeded', 'init-connect-failed', 'pooler-config', 'protocol-mismatch', 'server-resources',
  'socket-access', 'tls-handshake', 'client-cert-rejected', 'proxy-closed', 'tls-terminator', 'statement-timeout', 'other',
] as const;

export type Classification = (typeof CLASSIFICATIONS)[number];

/** How a step ends: its result's `status`. */
export const STEP_STATUSES = ['ok', 'failed', 'timeout', 'aborted', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];
