// Test PKI made with the openssl CLI, once per process: a CA, a server certificate for
// localhost/127.0.0.1, one whose only name is db.invalid-host.test, and one for localhost that expired
// (valid for one day in 2020): a server can still present it, a verifying client refuses it.
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findTool } from './binaries.js';
import { LabError } from './lab-error.js';
import { makeNamedDir } from './lab-root.js';
import { chownTree, type OsUser } from './run-as.js';
import { labEnv } from '../secrets/credential-env.js';

const exec = promisify(execFile);
const run = (file: string, args: string[]) => exec(file, args, { env: labEnv() });

export type CertChoice = 'good' | 'wrong-host' | 'expired';

export interface LabCerts {
  caFile: string;
  /** The CA's key: client-certs.ts signs client certificates with it. */
  caKey: string;
  files: Record<CertChoice, { cert: string; key: string }>;
}

const SANS: Record<CertChoice, { cn: string; san: string }> = {
  good: { cn: 'localhost', san: 'DNS:localhost,IP:127.0.0.1' },
  'wrong-host': { cn: 'db.invalid-host.test', san: 'DNS:db.invalid-host.test' },
  expired: { cn: 'localhost', san: 'DNS:localhost,IP:127.0.0.1' },
};

// P-256 keys: generation is instant, and all of Node, PostgreSQL and MariaDB accept them.
const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

let pending: Promise<LabCerts> | undefined;

export function labCerts(): Promise<LabCerts> {
  pending ??= makeCerts();
  return pending;
}

async function makeCerts(): Promise<LabCerts> {
  const openssl = findTool('openssl');
  if (!openssl) throw new LabError('openssl CLI not found (needed for TLS faults): apt-get install -y openssl');
  const dir = makeNamedDir('certs', undefined, 0o755);
  const caFile = join(dir, 'ca.crt');
  const caKey = join(dir, 'ca.key');
  await run(openssl, ['req', '-x509', ...NEW_KEY, '-keyout', caKey, '-out', caFile, '-days', '3',
    '-subj', '/CN=runbook fault lab CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  const good = await serverCert(openssl, dir, 'good', caFile, caKey);
  const wrong = await serverCert(openssl, dir, 'wrong-host', caFile, caKey);
  const expired = await serverCert(openssl, dir, 'expired', caFile, caKey);
  chmodSync(caFile, 0o644);
  return { caFile, caKey, files: { good, 'wrong-host': wrong, expired } };
}

async function serverCert(openssl: string, dir: string, name: CertChoice, caFile: string, caKey: string) {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.crt`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, `subjectAltName=${SANS[name].san}\nbasicConstraints=CA:FALSE\n` +
    'keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
  await run(openssl, ['req', '-new', ...NEW_KEY, '-keyout', key, '-out', csr, '-subj', `/CN=${SANS[name].cn}`]);
  if (name === 'expired') {
    await signWithDates(openssl, dir, { csr, ext, cert, caFile, caKey }, '20200101000000Z', '20200102000000Z');
    return { cert, key };
  }
  const serial = `0x${Date.now().toString(16)}${name === 'good' ? '01' : '02'}`;
  await run(openssl, ['x509', '-req', '-in', csr, '-CA', caFile, '-CAkey', caKey, '-set_serial', serial,
    '-days', '3', '-extfile', ext, '-out', cert]);
  return { cert, key };
}

/** `openssl x509` (3.0) only counts days from now; `openssl ca` takes explicit dates, given a minimal CA setup. */
async function signWithDates(openssl: string, dir: string, f: { csr: string; ext: string; cert: string; caFile: string; caKey: string }, start: string, end: string) {
  const ca = join(dir, 'dated-ca');
  mkdirSync(ca, { recursive: true });
  writeFileSync(join(ca, 'index.txt'), '');
  const hex = `${Date.now().toString(16)}03`;
  writeFileSync(join(ca, 'serial'), `${hex.length % 2 ? '0' : ''}${hex}\n`); // an even number of hex digits
  const conf = join(ca, 'ca.cnf');
  writeFileSync(conf, [
    '[ca]', 'default_ca = lab', '[lab]', `dir = ${ca}`, 'database = $dir/index.txt', 'serial = $dir/serial',
    'new_certs_dir = $dir', 'default_md = sha256', 'policy = any', 'unique_subject = no', '[any]', 'commonName = supplied', '',
  ].join('\n'));
  await run(openssl, ['ca', '-batch', '-notext', '-config', conf, '-in', f.csr, '-out', f.cert, '-cert', f.caFile,
    '-keyfile', f.caKey, '-startdate', start, '-enddate', end, '-extfile', f.ext]);
}

/**
 * Copies a server's cert + key into its own dir, owned by the server user with a 0600
 * key (PostgreSQL refuses group/world-readable keys). Only the leaf is sent to clients.
 */
export function installServerCert(certs: LabCerts, choice: CertChoice, dir: string, owner: OsUser | undefined) {
  const cert = join(dir, 'server.crt');
  const key = join(dir, 'server.key');
  copyFileSync(certs.files[choice].cert, cert);
  copyFileSync(certs.files[choice].key, key);
  chmodSync(key, 0o600);
  chownTree(cert, owner);
  chownTree(key, owner);
  return { cert, key };
}
