// libpq's default TLS files, under ~/.postgresql of the application's HOME. With no sslrootcert named, libpq loads
// root.crt when it exists and then verifies the server's chain against it under every sslmode, prefer and require
// too (as verify-ca does); with no sslcert named it sends postgresql.crt (key: postgresql.key) when that exists.
// runbook names the same files, so its login and its TLS check meet the server as the application's libpq does:
// without them a run ended "resolved" with a certificate that every libpq client of that HOME refuses.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UrlError } from './url.js';

type Env = Record<string, string | undefined>;

const has = (params: Record<string, string>, ...keys: string[]): boolean => keys.some((k) => params[k]);

/** The TLS file parameters libpq would add to `params` (a PostgreSQL URL's, PG* variables filled in). */
export function libpqDefaultFiles(params: Record<string, string>, env: Env): Record<string, string> {
  // libpq's pqGetHomeDirectory: HOME when set, else the account's home directory.
  const dir = join(env.HOME || homedir(), '.postgresql');
  const out: Record<string, string> = {};
  const rootGiven = has(params, 'sslrootcert', 'ssl-ca', 'sslca');
  if (!rootGiven && existsSync(join(dir, 'root.crt'))) out.sslrootcert = join(dir, 'root.crt');
  // With a root certificate loaded libpq also checks the server's certificate against root.crl: runbook reads no CRL,
  // so it would accept a certificate the application refuses as revoked.
  if ((rootGiven || out.sslrootcert) && !has(params, 'sslcrl', 'sslcrldir') && existsSync(join(dir, 'root.crl'))) {
    throw new UrlError(`${join(dir, 'root.crl')} exists: libpq checks the server's certificate against it and runbook reads no revocation list; move it away to run`);
  }
  const certGiven = has(params, 'sslcert', 'ssl-cert');
  if (!certGiven && existsSync(join(dir, 'postgresql.crt'))) out.sslcert = join(dir, 'postgresql.crt');
  // A certificate without a named key: libpq takes the default key (and fails, as runbook does, when it is missing).
  if ((certGiven || out.sslcert) && !has(params, 'sslkey', 'ssl-key')) out.sslkey = join(dir, 'postgresql.key');
  return out;
}
