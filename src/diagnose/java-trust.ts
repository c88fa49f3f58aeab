// A Java application's trust, as JSSE reads it (MariaDB Connector/J and MySQL Connector/J verify with it; PgJDBC's
// default factory reads libpq's files instead): the keystore `javax.net.ssl.trustStore` names (on its command line,
// in JAVA_TOOL_OPTIONS or JDK_JAVA_OPTIONS), else its JVM's own lib/security/jssecacerts, else cacerts. Read in the
// application's root, symbolic links followed there (Debian's cacerts links to /etc/ssl/certs/java/cacerts). The
// probes run in Node, which reads PEM: a JKS store is read here (its trusted certificates are not encrypted), a
// PKCS12 one through openssl with the store's password, and the certificates handed over as a private PEM file.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { UserError } from '../common/errors.js';

export interface JavaTrust { path: string; read: string; from: string; pem: string }

/** The store the JVM of process `pid` trusts (argv: its command line; env: its environment), as PEM for the probes. */
export function javaTrust(pid: number, argv: string[], env: Map<string, string>): JavaTrust | undefined {
  const options = [...words(env.get('JAVA_TOOL_OPTIONS')), ...words(env.get('JDK_JAVA_OPTIONS')), ...argv];
  const props = new Map(options.flatMap((o) => { const m = /^-D([^=]+)=(.*)$/s.exec(o); return m ? [[m[1]!, m[2]!] as const] : []; }));
  const named = props.get('javax.net.ssl.trustStore');
  const store = named && named !== 'NONE' ? { path: named, from: 'its javax.net.ssl.trustStore' } : jvmStore(pid);
  if (!store) return undefined;
  const read = store.path.startsWith('/') ? inRoot(pid, store.path) : `/proc/${pid}/cwd/${store.path}`; // user.dir: where it started
  let pem: string;
  try {
    pem = pemOf(readFileSync(read), read, props.get('javax.net.ssl.trustStorePassword'));
  } catch (e) {
    throw new UserError(`process ${pid}: its Java trust store ${store.path} cannot be read (${(e as Error).message.split('\n')[0]}), so whom it trusts is not known`);
  }
  return { path: store.path, read, from: store.from, pem: privatePem(pem) };
}

/** The JVM's own store: <java.home>/lib/security/jssecacerts or cacerts, java.home from its executable. */
function jvmStore(pid: number): { path: string; from: string } | undefined {
  const home = dirname(dirname(readlinkSync(`/proc/${pid}/exe`)));
  for (const name of ['jssecacerts', 'cacerts']) {
    const path = `${home}/lib/security/${name}`;
    if (existsSync(inRoot(pid, path))) return { path, from: `its JVM's ${name}` };
  }
  return undefined;
}

/** `path` (absolute, in the process's own root) as this process reaches it, every symbolic link resolved in that root. */
export function inRoot(pid: number, path: string, depth = 0): string {
  const root = `/proc/${pid}/root`;
  let at = '/';
  for (const part of path.split('/').filter(Boolean)) {
    const next = posix.join(at, part);
    let target: string | undefined;
    try { if (lstatSync(root + next).isSymbolicLink()) target = readlinkSync(root + next); } catch { /* missing: read as it is */ }
    if (target === undefined || depth > 20) { at = next; continue; }
    at = inRoot(pid, posix.resolve(at, target), depth + 1).slice(root.length) || '/';
  }
  return root + at;
}

/** The certificates of a keystore as PEM: JKS and JCEKS read here, anything else as PKCS12 through openssl. */
function pemOf(bytes: Buffer, file: string, password: string | undefined): string {
  const magic = bytes.length >= 4 ? bytes.readUInt32BE(0) : 0;
  if (magic === 0xfeedfeed || magic === 0xcececece) return jksCertificates(bytes).map(pemBlock).join('');
  const r = spawnSync('openssl', ['pkcs12', '-nokeys', '-in', file, '-passin', 'env:RUNBOOK_STORE_PASSWORD'],
    { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', RUNBOOK_STORE_PASSWORD: password ?? '' }, timeout: 10_000 });
  if (r.error) throw new Error(`openssl: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`openssl pkcs12: ${(r.stderr.trim().split('\n')[0] ?? '').slice(0, 200)}`);
  const blocks = r.stdout.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? [];
  if (!blocks.length) throw new Error('no certificate in it');
  return blocks.map((b) => (b.endsWith('\n') ? b : `${b}\n`)).join('');
}

/**
 * The X.509 certificates of a JKS or JCEKS store (DER): every trusted-certificate entry, and the chain of every
 * private-key entry (JSSE trusts those too). Layout: magic, version, count, then per entry a tag (1 key, 2
 * certificate, 3 secret key), an alias and a date, then the entry. The closing digest is not checked: only the
 * password would, and a JVM given none does not either.
 */
export function jksCertificates(b: Buffer): Buffer[] {
  let at = 8;
  const u16 = () => { const v = b.readUInt16BE(at); at += 2; return v; };
  const u32 = () => { const v = b.readUInt32BE(at); at += 4; return v; };
  const bytes = (n: number) => { if (at + n > b.length) throw new Error('the store ends early'); const v = b.subarray(at, at + n); at += n; return v; };
  const utf = () => bytes(u16()).toString('utf8');
  const certificate = () => { utf(); return Buffer.from(bytes(u32())); }; // its type ('X.509'), then its DER
  const out: Buffer[] = [];
  for (let n = u32(); n > 0; n--) {
    const tag = u32();
    utf(); // alias
    at += 8; // date
    if (tag === 2) out.push(certificate());
    else if (tag === 1) { bytes(u32()); for (let c = u32(); c > 0; c--) out.push(certificate()); }
    else throw new Error(`an entry of a kind JSSE does not trust from (${tag})`);
  }
  if (!out.length) throw new Error('no certificate in it');
  return out;
}

const pemBlock = (der: Buffer): string => `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;

const words = (s: string | undefined): string[] => (s ? s.split(/\s+/).filter(Boolean) : []);

/** The certificates in a file only this user reads, removed when the process ends. */
function privatePem(pem: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-java-trust-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'ca.pem');
  writeFileSync(file, pem, { mode: 0o600 });
  return file;
}
