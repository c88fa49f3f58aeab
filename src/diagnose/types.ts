// What `runbook diagnose` finds: one check per layer, in the order a connection climbs them.
import type { LoginPhase } from '../db/login-timeline.js';
import type { Classification } from '../executors/types.js';

export type Layer = 'config' | 'dns' | 'tcp' | 'tls' | 'connect' | 'startup' | 'session' | 'writable' | 'pool';
export const LAYERS: readonly Layer[] = ['config', 'dns', 'tcp', 'tls', 'connect', 'startup', 'session', 'writable', 'pool'];

export interface Check {
  layer: Layer;
  /** warn: works, but worth fixing (plain-text fallback, certificate near expiry, a pooler refusing JDBC, a role's
   *  statement or idle limit, pool near full). */
  status: 'ok' | 'failed' | 'warn' | 'skipped';
  classification?: Classification;
  summary: string;               // one line, password-free
  durationMs?: number;
  details?: Record<string, unknown>;
}

/** Milliseconds per phase, where the phase ran; the client's own connect timeout when the URL sets one. */
export interface Phases {
  dnsMs?: number; tcpMs?: number; tlsMs?: number; loginMs?: number; firstQueryMs?: number;
  /** Inside the login, on its own connection (db/login-timeline.ts): the server's greeting (MySQL/MariaDB),
   *  authentication, PostgreSQL's backend start after it; a login that did not finish: where it stopped. */
  greetingMs?: number; authMs?: number; startupMs?: number; stalledIn?: LoginPhase; stalledMs?: number;
  clientTimeoutMs?: number; clientTimeoutFrom?: string;
}

export interface Diagnosis {
  url: string;                   // masked
  source: string;                // where the URL came from
  classification: Classification;
  scenario: string;
  runbook: string | null;
  finding: string;
  /** Milliseconds per phase, and the client's own connect timeout where the URL sets one (docs/diagnose.md). */
  phases: Phases;
  checks: Check[];
}
