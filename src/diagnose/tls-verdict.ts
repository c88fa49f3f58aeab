// Layer 4, TLS: what the server offers, judged by what the URL asks for. A certificate the URL does not
// verify is neither a failure nor a warning: the application connects anyway; the summary says what a verifying
// client would see.
import { sslMode, tlsAttempts } from '../db/ssl-options.js';
import type { ConnectionInfo } from '../db/url.js';
import type { StepResult } from '../executors/types.js';
import type { Check } from './types.js';

const EXPIRY_WARNING_DAYS = 14;

export function tlsVerdict(info: ConnectionInfo, probe: StepResult): Check {
  const mode = sslMode(info);
  const attempts = tlsAttempts(info);
  const requiresTls = attempts.every((a) => a.tls !== null);
  const verifiesChain = attempts.some((a) => a.tls?.verifyChain);
  const verifiesHost = attempts.some((a) => a.tls?.verifyHost);
  const d = probe.details ?? {};
  const base = { layer: 'tls' as const, durationMs: probe.durationMs, details: d };
  const c = probe.classification;
  if (typeof d.socket === 'string') return { ...base, status: 'ok', classification: 'ok', summary: `Unix socket ${d.socket}: no TLS on a local socket (sslmode does not apply)` };
  if (probe.status === 'ok') {
    const days = typeof d.daysToExpiry === 'number' ? d.daysToExpiry : undefined;
    const cert = `${String(d.protocol ?? 'TLS')}, certificate ${String(d.subject ?? '?')} from ${String(d.issuer ?? '?')}${days !== undefined ? `, valid ${days} more days` : ''}`;
    if (days !== undefined && days < EXPIRY_WARNING_DAYS) return { ...base, status: 'warn', classification: 'ok', summary: `server offers ${cert}: renew it soon` };
    return { ...base, status: 'ok', classification: 'ok', summary: `server offers ${cert}${requiresTls ? '' : ` (sslmode ${mode} does not insist on it)`}` };
  }
  if (c === 'ssl-unsupported') {
    if (requiresTls) return { ...base, status: 'failed', classification: c, summary: `the URL requires TLS (sslmode ${mode}) but the server offers none: ${probe.error ?? ''}` };
    return { ...base, status: 'ok', classification: 'ok', summary: `server offers no TLS; sslmode ${mode} connects in plain text` };
  }
  const verified = (c === 'cert-hostname' && verifiesHost) || ((c === 'cert-untrusted' || c === 'cert-expired') && verifiesChain);
  const problem = `${c}: ${probe.error ?? ''}${d.issuer ? ` (issuer ${String(d.issuer)}${Array.isArray(d.sans) ? `, names ${d.sans.join(', ')}` : ''})` : ''}`;
  if (verified && requiresTls) return { ...base, status: 'failed', classification: c, summary: `sslmode ${mode} rejects the server certificate - ${problem}` };
  // prefer/allow with a root certificate (libpq's ~/.postgresql/root.crt too) verify, and on failure go on in plain text.
  if (verified) return { ...base, status: 'warn', classification: 'ok', summary: `sslmode ${mode} rejects the server certificate and goes on in plain text - ${problem}` };
  // Not a warning (#48): the URL does not verify, so nothing the application does fails; the summary says what a
  // verifying client would see.
  if (c === 'cert-untrusted' || c === 'cert-hostname' || c === 'cert-expired') {
    return { ...base, status: 'ok', classification: 'ok', summary: `certificate would fail verification (${problem}); sslmode ${mode} does not check it` };
  }
  // The probe speaks the database's own first bytes: silence here is the server not answering at all.
  if (c === 'timeout') {
    return { ...base, status: 'failed', classification: c, summary: `TCP connects but the server sends nothing back: ${probe.error ?? 'no answer'} (a protocol-level timeout)` };
  }
  // Anything else (a reset, an odd answer) is for the login to classify.
  return { ...base, status: 'warn', classification: 'ok', summary: `TLS check inconclusive: ${c ?? probe.status}: ${probe.error ?? ''}` };
}
