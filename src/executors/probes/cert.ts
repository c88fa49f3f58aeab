// Certificate evidence from a TLS socket: what an operator needs to fix trust, names and expiry.
import tls from 'node:tls';

const DAY_MS = 86_400_000;

export function certDetails(socket: tls.TLSSocket, hostname: string): Record<string, unknown> {
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
    authorized: socket.authorized,
    authorizationError: socket.authorizationError ? String(socket.authorizationError) : undefined,
    // Checked even when the chain is untrusted (Node then skips it): both problems at once.
    hostnameMatches: hostnameError === undefined,
  };
}

function name(dn: tls.Certificate | undefined): string | undefined {
  if (!dn) return undefined;
  return Object.entries(dn).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`).join(', ');
}
