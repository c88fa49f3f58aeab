// Certificate evidence from a TLS session: what an operator needs to fix trust, names and expiry. Read from any
// TLS socket (the tls probe's, or a MySQL login's own: db/mysql-link.ts).
import tls from 'node:tls';

const DAY_MS = 86_400_000;

export interface CertFacts {
  protocol: string | null;
  cipher: string | undefined;
  subject: string | undefined;
  issuer: string | undefined;
  sans: string[];
  validFrom: string | undefined;
  validTo: string | undefined;
  daysToExpiry: number | undefined;
  fingerprint256: string | undefined;
  /** Checked even when the chain is untrusted (Node then skips it): both problems at once. */
  hostnameMatches: boolean;
}

/** Needs the socket's handle: call it while the session is up (a client that rejects the certificate destroys it). */
export function certFacts(socket: tls.TLSSocket, hostname: string): CertFacts {
  const cert = socket.getPeerCertificate();
  const validTo = cert.valid_to ? Date.parse(cert.valid_to) : Number.NaN;
  const hostnameError = cert.raw ? tls.checkServerIdentity(hostname, cert) : undefined;
  return {
    protocol: socket.getProtocol(),
    cipher: socket.getCipher()?.name,
    subject: name(cert.subject),
    issuer: name(cert.issuer),
    sans: cert.subjectaltname ? cert.subjectaltname.split(/,\s*/) : [],
    validFrom: cert.valid_from,
    validTo: cert.valid_to,
    daysToExpiry: Number.isNaN(validTo) ? undefined : Math.floor((validTo - Date.now()) / DAY_MS),
    fingerprint256: cert.fingerprint256,
    hostnameMatches: hostnameError === undefined,
  };
}

function name(dn: tls.Certificate | undefined): string | undefined {
  if (!dn) return undefined;
  return Object.entries(dn).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`).join(', ');
}
