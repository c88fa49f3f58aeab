// Test PKI made with the openssl CLI, once per process: a CA, a server certificate for
// localhost/127.0.0.1 and one whose only name is db.invalid-host.test.
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findTool } from './binaries.js';
import { LabError } from './lab-error.js';
import { makeNamedDir } from './lab-root.js';
import { chownTree, type OsUser } from './run-as.js';

const run = promisify(execFile);

export type CertChoice = 'good' | 'wrong-host';

export interface LabCerts {
  caFile: string;
  files: Record<CertChoice, { cert: string; key: string }>;
}

const SANS: Record<CertChoice, { cn: string; san: string }> = {
  good: { cn: 'localhost', san: 'DNS:localhost,IP:127.0.0.1' },
  'wrong-host': { cn: 'db.invalid-host.test', san: 'DNS:db.invalid-host.test' },
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
  chmodSync(caFile, 0o644);
  return { caFile, files: { good, 'wrong-host': wrong } };
}

async function serverCert(openssl: string, dir: string, name: CertChoice, caFile: string, caKey: string) {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.crt`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, `subjectAltName=${SANS[name].san}\nbasicConstraints=CA:FALSE\n` +
    'keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
  await run(openssl, ['req', '-new', ...NEW_KEY, '-keyout', key, '-out', csr, '-subj', `/CN=${SANS[name].cn}`]);
  const serial = `0x${Date.now().toString(16)}${name === 'good' ? '01' : '02'}`;
  await run(openssl, ['x509', '-req', '-in', csr, '-CA', caFile, '-CAkey', caKey, '-set_serial', serial,
    '-days', '3', '-extfile', ext, '-out', cert]);
  return { cert, key };
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
