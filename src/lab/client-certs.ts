// Client certificates for servers that ask for one (PostgreSQL `cert` / clientcert=verify-full lines, MariaDB
// REQUIRE X509), made once per process with the openssl CLI's own CA (`openssl ca`, which keeps the index a CRL
// is made from): one the server accepts, one from a CA the server does not know, one that expired (valid for a
// day in 2020) and one revoked in the CRL the servers load. All name the lab's application user.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findTool } from './binaries.js';
import { labCerts } from './certs.js';
import { labCredentials } from './credentials.js';
import { LabError } from './lab-error.js';
import { makeNamedDir } from './lab-root.js';
import { labEnv } from '../secrets/credential-env.js';

const exec = promisify(execFile);
const run = (file: string, args: string[]) => exec(file, args, { env: labEnv() });

export type ClientCertChoice = 'good' | 'other-ca' | 'expired' | 'revoked';

export interface LabClientCerts {
  /** The lab CA's revocation list (the `revoked` certificate is on it), for ssl_crl_file / --ssl-crl. */
  crlFile: string;
  files: Record<ClientCertChoice, { cert: string; key: string }>;
}

const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const EXT = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n';

let pending: Promise<LabClientCerts> | undefined;

export function labClientCerts(): Promise<LabClientCerts> {
  pending ??= makeClientCerts();
  return pending;
}

interface Ca { dir: string; conf: string; cert: string; key: string }

async function makeClientCerts(): Promise<LabClientCerts> {
  const openssl = findTool('openssl');
  if (!openssl) throw new LabError('openssl CLI not found (needed for TLS faults): apt-get install -y openssl');
  const { caFile, caKey } = await labCerts();
  const dir = makeNamedDir('client-certs', undefined, 0o755);
  const lab = caSetup(dir, 'lab-ca', caFile, caKey);
  const otherCert = join(dir, 'other-ca.crt');
  const other = caSetup(dir, 'other-ca', otherCert, join(dir, 'other-ca.key'));
  await run(openssl, ['req', '-x509', ...NEW_KEY, '-keyout', other.key, '-out', other.cert, '-days', '3',
    '-subj', '/CN=another CA the server does not know',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  const files = {
    good: await clientCert(openssl, dir, 'good', lab, ['-days', '3']),
    'other-ca': await clientCert(openssl, dir, 'other-ca', other, ['-days', '3']),
    expired: await clientCert(openssl, dir, 'expired', lab, ['-startdate', '20200101000000Z', '-enddate', '20200102000000Z']),
    revoked: await clientCert(openssl, dir, 'revoked', lab, ['-days', '3']),
  };
  await run(openssl, ['ca', '-batch', '-config', lab.conf, '-revoke', files.revoked.cert, '-crl_reason', 'keyCompromise']);
  const crlFile = join(dir, 'lab-ca.crl');
  await run(openssl, ['ca', '-batch', '-config', lab.conf, '-gencrl', '-crldays', '3', '-out', crlFile]);
  chmodSync(crlFile, 0o644);
  return { crlFile, files };
}

/** A minimal `openssl ca` database for one CA. */
function caSetup(dir: string, name: string, cert: string, key: string): Ca {
  const ca = join(dir, name);
  mkdirSync(ca, { recursive: true });
  writeFileSync(join(ca, 'index.txt'), '');
  const hex = `${Date.now().toString(16)}${name === 'lab-ca' ? '11' : '21'}`;
  writeFileSync(join(ca, 'serial'), `${hex.length % 2 ? '0' : ''}${hex}\n`); // an even number of hex digits
  writeFileSync(join(ca, 'crlnumber'), '01\n');
  const conf = join(ca, 'ca.cnf');
  writeFileSync(conf, [
    '[ca]', 'default_ca = lab', '[lab]', `dir = ${ca}`, 'database = $dir/index.txt', 'serial = $dir/serial',
    'crlnumber = $dir/crlnumber', `certificate = ${cert}`, `private_key = ${key}`,
    'new_certs_dir = $dir', 'default_md = sha256', 'policy = any', 'unique_subject = no', '[any]', 'commonName = supplied', '',
  ].join('\n'));
  return { dir: ca, conf, cert, key };
}

async function clientCert(openssl: string, dir: string, name: ClientCertChoice, ca: Ca, dates: string[]) {
  const key = join(dir, `client-${name}.key`);
  const csr = join(dir, `client-${name}.csr`);
  const cert = join(dir, `client-${name}.crt`);
  const ext = join(dir, 'client.ext');
  writeFileSync(ext, EXT);
  // The CN is the application user: PostgreSQL's `cert` method maps it to the role.
  await run(openssl, ['req', '-new', ...NEW_KEY, '-keyout', key, '-out', csr, '-subj', `/CN=${labCredentials().appUser}`]);
  await run(openssl, ['ca', '-batch', '-notext', '-config', ca.conf, '-in', csr, '-out', cert, ...dates, '-extfile', ext]);
  return { cert, key };
}
