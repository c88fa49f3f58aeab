// Which side of a failed TLS handshake is narrower (issue #48): a server that allows only TLS 1.3 was explained as
// "an old server that speaks only TLS 1.0/1.1" because the explanation was one sentence for every handshake
// failure. Evidence: the tls layer's own handshake is a default client's (Node: TLS 1.2 to 1.3) on PostgreSQL; on
// MySQL/MariaDB the layer is the login's own connection (a second, failed handshake would count against
// max_connect_errors), which is a default client's only when the URL pins no version. The finding says what the
// evidence shows, and no more.
import { tlsVersions } from '../db/ssl-options.js';
import type { ConnectionInfo } from '../db/url.js';
import type { Check } from './types.js';

/** The finding for a tls-handshake login, from the tls layer's handshake and the URL's own TLS versions. */
export function handshakeFinding(info: ConnectionInfo, checks: Check[]): string {
  const tls = checks.find((c) => c.layer === 'tls');
  const protocol = typeof tls?.details?.protocol === 'string' ? tls.details.protocol : undefined;
  const { minVersion, maxVersion } = tlsVersions(info);
  const pinned = minVersion && maxVersion ? `${minVersion} to ${maxVersion}` : minVersion ? `from ${minVersion}` : maxVersion ? `up to ${maxVersion}` : undefined;
  if (protocol) {
    return `TLS could not be negotiated with what this URL allows${pinned ? ` (${pinned})` : ''}, yet a default TLS client does `
      + `get through (${protocol}): the server is not old. The client's TLS settings are narrower than the server's: widen `
      + `them (PostgreSQL ssl_min_protocol_version / ssl_max_protocol_version, mysql2 ssl minVersion / maxVersion), or `
      + 'tell the application\'s owners which versions the server accepts.';
  }
  // PostgreSQL's tls layer failing its handshake is a default client's failing; MySQL's is the login's own.
  const defaultFailed = !pinned || (info.engine === 'postgres' && /tls-handshake/.test(tls?.summary ?? ''));
  if (defaultFailed) {
    return 'TLS could not be negotiated, not even by a default TLS client (TLS 1.2 to 1.3): the server speaks only older '
      + 'versions (TLS 1.0/1.1) or offers a weak key or cipher. Upgrade the server\'s TLS settings, or knowingly lower the '
      + 'client\'s minimum version; tell whoever runs the server which versions the client offers.';
  }
  return `TLS could not be negotiated with what this URL allows (${pinned}). Whether a default TLS client gets through was `
    + 'not tried (MySQL/MariaDB count each failed handshake against max_connect_errors): compare the URL\'s versions with '
    + 'the server\'s (tls_version), or try the URL without its version pins.';
}
