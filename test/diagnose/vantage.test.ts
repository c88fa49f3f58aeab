// `diagnose --from-pid`: the probes run from the application's place, in network namespaces this test makes
// (ip netns) with an "application" process whose /etc/hosts is its own. The host's view and the application's
// differ exactly where a real application's do: its localhost is not the host's, its hosts file names a database
// the host cannot resolve.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { BIN } from '../helpers/cli.js';
import { until } from '../helpers/poll.js';
import { hasJava, keystore } from './java-stores.js';

const isRoot = process.getuid?.() === 0;
const canNetns = isRoot && spawnSync('ip', ['netns', 'list']).status === 0;
const NS = `rb-vantage-${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'vantage-'));
let server: LabServer;
let app: ChildProcess;
let appPid = 0;

/** An application: a process in its own network namespace (loopback up, nothing listening) with its own /etc/hosts. */
function startApp(): ChildProcess {
  const hosts = join(dir, 'hosts');
  // db.replica.internal: an address only this namespace has a route for, and that route is blocked (below).
  writeFileSync(hosts, '127.0.0.1 localhost\n127.0.0.1 db.app.internal\n10.99.0.5 db.replica.internal\n');
  const child = spawn('ip', ['netns', 'exec', NS, 'unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c',
    `mount --bind ${hosts} /etc/hosts && echo ready && exec sleep 600`], { stdio: ['ignore', 'pipe', 'inherit'] });
  return child;
}

before(async () => {
  if (!canNetns) return;
  spawnSync('ip', ['netns', 'add', NS]);
  spawnSync('ip', ['netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up']);
  // The application's route to the replica's network is blocked: nothing leaves the namespace, the kernel answers.
  spawnSync('ip', ['netns', 'exec', NS, 'ip', 'route', 'add', 'unreachable', '10.99.0.0/16']);
  server = await startPostgres();
  app = startApp();
  let out = '';
  app.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  await until(() => out.includes('ready'), 20_000, 'the application process');
  // The sleep is the application: `ip netns exec` and `unshare` exec into it, so its pid is the child's.
  appPid = app.pid!;
});

after(async () => {
  app?.kill('SIGKILL');
  await server?.stop();
  if (canNetns) spawnSync('ip', ['netns', 'delete', NS]);
  rmSync(dir, { recursive: true, force: true });
});

function diagnoseFrom(url: string, pid: number) {
  const r = spawnSync(process.execPath, [BIN, 'diagnose', '--from-pid', String(pid), '--json', '--timeout', '15'],
    { encoding: 'utf8', env: { ...process.env, DATABASE_URL: url, NO_COLOR: '1' }, timeout: 120_000 });
  assert.ok(r.stdout.trim().startsWith('{'), `${r.status}: ${r.stdout}${r.stderr}`);
  return { code: r.status, out: JSON.parse(r.stdout) as { from: { sameNetns: boolean; files: string[]; tlsFiles: { param: string; path: string; read: string; from?: string }[] }; there: { classification: string; url: string; finding: string }; here: { classification: string }; differs: boolean }, stderr: r.stderr };
}

test('the localhost trap: the database listens on the host\'s 127.0.0.1; from the application\'s namespace it is refused', { skip: !canNetns && 'needs root and ip netns' }, () => {
  const r = diagnoseFrom(server.url(), appPid);
  assert.equal(r.out.from.sameNetns, false);
  assert.equal(r.out.here.classification, 'ok');
  assert.equal(r.out.there.classification, 'refused');
  assert.equal(r.out.differs, true);
  assert.equal(r.code, 1, 'the exit code is the application\'s view');
  assert.ok(!r.out.there.url.includes(new URL(server.url()).password), 'the password is masked');
});

test('its hosts file names a database the host cannot resolve: dns here, refused there (its own loopback)', { skip: !canNetns && 'needs root and ip netns' }, () => {
  const url = new URL(server.url());
  url.hostname = 'db.app.internal';
  const r = diagnoseFrom(url.href, appPid);
  assert.equal(r.out.here.classification, 'dns');
  assert.equal(r.out.there.classification, 'refused', 'resolved through the application\'s /etc/hosts');
  assert.ok(r.out.from.files.includes('/etc/hosts'));
});

test('its route is blocked: a name the host cannot resolve, and from the application no route to it', { skip: !canNetns && 'needs root and ip netns' }, () => {
  const url = new URL(server.url());
  url.hostname = 'db.replica.internal';
  const r = diagnoseFrom(url.href, appPid);
  assert.equal(r.out.here.classification, 'dns', 'this host sends nothing: the name is the application\'s alone');
  assert.equal(r.out.there.classification, 'unreachable', r.out.there.finding);
  assert.equal(r.out.differs, true);
});

test('a process in this namespace with the same files: the same answer, said so', { skip: !canNetns && 'needs root and ip netns' }, () => {
  const r = diagnoseFrom(server.url(), process.pid);
  assert.equal(r.out.from.sameNetns, true);
  assert.deepEqual([r.out.here.classification, r.out.there.classification, r.out.differs], ['ok', 'ok', false]);
  const text = spawnSync(process.execPath, [BIN, 'diagnose', '--from-pid', String(process.pid), '--timeout', '15'],
    { encoding: 'utf8', env: { ...process.env, DATABASE_URL: server.url(), NO_COLOR: '1' } });
  assert.match(text.stdout, /Same answer from here and from pid \d+/);
});

test('its trust is its own: the CA file the URL names is read in the application\'s root, not this host\'s', { skip: !canNetns && 'needs root and ip netns' }, async (t) => {
  const tls = await startPostgres({ tls: 'on' });
  t.after(() => tls.stop());
  // The application (in this network namespace) sees a CA file at a path where this host has none: a container's
  // /etc/app/ca.pem. Its mount namespace holds a tmpfs there; the host's directory stays empty.
  const etc = join(dir, 'app-etc');
  mkdirSync(etc);
  const ca = join(etc, 'ca.pem');
  const app = spawn('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c',
    `mount -t tmpfs app-etc ${etc} && cp ${tls.caFile} ${ca} && echo ready && exec sleep 600`], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => app.kill('SIGKILL'));
  let out = '';
  app.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  await until(() => out.includes('ready'), 20_000, 'the application process');
  assert.ok(!existsSync(ca), 'the host has no such file');
  const r = diagnoseFrom(tls.url({ params: { sslmode: 'verify-full', sslrootcert: ca } }), app.pid!);
  assert.equal(r.out.there.classification, 'ok', `verified with the application's own CA file: ${r.out.there.finding}`);
  assert.notEqual(r.out.here.classification, 'ok', 'from here the file is missing');
  assert.equal(r.out.differs, true);
  assert.deepEqual(r.out.from.tlsFiles, [{ param: 'sslrootcert', path: ca, read: `/proc/${app.pid}/root${ca}` }]);
  // A relative path is from its working directory.
  const rel = diagnoseFrom(tls.url({ params: { sslmode: 'verify-full', sslrootcert: 'ca.pem' } }), app.pid!);
  assert.equal(rel.out.from.tlsFiles[0]?.read, `/proc/${app.pid}/cwd/ca.pem`);
});

/** An application in this network namespace whose own mount namespace runs `setup` first, with `env` added;
 *  `sleep` unless `program` says which. */
async function tlsApp(t: { after: (fn: () => void) => void }, setup: string, env: Record<string, string> = {}, program = 'sleep 600'): Promise<number> {
  const app = spawn('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', `${setup} && echo ready && exec ${program}`],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  t.after(() => app.kill('SIGKILL'));
  let out = '';
  app.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  await until(() => out.includes('ready'), 20_000, 'the application process');
  return app.pid!;
}

test('a URL that verifies but names no CA: the trust is what the application\'s client reads, in its root', { skip: !canNetns && 'needs root and ip netns' }, async (t) => {
  const tls = await startPostgres({ tls: 'on' });
  t.after(() => tls.stop());
  const verify = tls.url({ params: { sslmode: 'verify-full' } });
  // libpq's default: ~/.postgresql/root.crt of the user it runs as, its HOME a directory only its mounts fill.
  const home = join(dir, 'app-home');
  mkdirSync(home);
  const withRoot = await tlsApp(t, `mount -t tmpfs app-home ${home} && mkdir ${home}/.postgresql && cp ${tls.caFile} ${home}/.postgresql/root.crt`, { HOME: home });
  const r = diagnoseFrom(verify, withRoot);
  assert.equal(r.out.there.classification, 'ok', `trusted through its own root.crt: ${r.out.there.finding} ${JSON.stringify(r.out.from)}`);
  assert.notEqual(r.out.here.classification, 'ok', 'from here nothing trusts the lab\'s CA');
  assert.deepEqual(r.out.from.tlsFiles, [{ param: 'sslrootcert', path: `${home}/.postgresql/root.crt`, read: `/proc/${withRoot}/root${home}/.postgresql/root.crt`, from: "libpq's default ~/.postgresql/root.crt" }]);
  // PGSSLROOTCERT in its environment comes first.
  const etc = join(dir, 'app-env-etc');
  mkdirSync(etc);
  const withEnv = await tlsApp(t, `mount -t tmpfs app-env-etc ${etc} && cp ${tls.caFile} ${etc}/ca.pem`, { PGSSLROOTCERT: `${etc}/ca.pem`, HOME: home });
  const e = diagnoseFrom(verify, withEnv);
  assert.equal(e.out.there.classification, 'ok', e.out.there.finding);
  assert.equal(e.out.from.tlsFiles[0]?.from, 'its PGSSLROOTCERT');
  // Neither: its system store, which does not hold the lab's CA: untrusted there too, and said whose store it was.
  const bare = await tlsApp(t, 'true', { HOME: join(dir, 'nowhere') });
  const b = diagnoseFrom(verify, bare);
  assert.equal(b.out.there.classification, 'cert-untrusted', b.out.there.finding);
  assert.equal(b.out.from.tlsFiles[0]?.from, 'its system store');
});

test('a Node.js application trusts Node\'s store and its NODE_EXTRA_CA_CERTS, not libpq\'s root.crt', { skip: !canNetns && 'needs root and ip netns' }, async (t) => {
  const tls = await startPostgres({ tls: 'on' });
  t.after(() => tls.stop());
  const verify = tls.url({ params: { sslmode: 'verify-full' } });
  const node = `${process.execPath} -e "setInterval(() => {}, 1e9)"`;
  // Its extra CAs in a file only its mount namespace holds, named relative to its working directory too.
  const etc = join(dir, 'node-app-etc');
  mkdirSync(etc);
  const withExtra = await tlsApp(t, `mount -t tmpfs node-app-etc ${etc} && cp ${tls.caFile} ${etc}/ca.pem`, { NODE_EXTRA_CA_CERTS: `${etc}/ca.pem` }, node);
  const r = diagnoseFrom(verify, withExtra);
  assert.equal(r.out.there.classification, 'ok', `trusted through its NODE_EXTRA_CA_CERTS: ${r.out.there.finding} ${JSON.stringify(r.out.from)}`);
  assert.notEqual(r.out.here.classification, 'ok', 'from here nothing trusts the lab\'s CA');
  assert.deepEqual(r.out.from.tlsFiles, [{ param: 'NODE_EXTRA_CA_CERTS', path: `${etc}/ca.pem`, read: `/proc/${withExtra}/root${etc}/ca.pem`, from: "Node's bundled store and its NODE_EXTRA_CA_CERTS" }]);
  // A ~/.postgresql/root.crt is libpq's, not Node's: the same application without the variable does not trust the CA.
  const home = join(dir, 'node-app-home');
  mkdirSync(home);
  const withRoot = await tlsApp(t, `mount -t tmpfs node-app-home ${home} && mkdir ${home}/.postgresql && cp ${tls.caFile} ${home}/.postgresql/root.crt`, { HOME: home, NODE_EXTRA_CA_CERTS: '' }, node);
  // The operator's own extra CAs are never the application's.
  const mine = spawnSync(process.execPath, [BIN, 'diagnose', '--from-pid', String(withRoot), '--json', '--timeout', '15'],
    { encoding: 'utf8', env: { ...process.env, DATABASE_URL: verify, NO_COLOR: '1', NODE_EXTRA_CA_CERTS: tls.caFile! }, timeout: 120_000 });
  const o = JSON.parse(mine.stdout) as { there: { classification: string; finding: string }; here: { classification: string }; from: { tlsFiles: unknown[] } };
  assert.equal(o.there.classification, 'cert-untrusted', o.there.finding);
  assert.equal(o.here.classification, 'ok', 'from here, the operator\'s NODE_EXTRA_CA_CERTS trusts it');
  assert.deepEqual(o.from.tlsFiles, []);
});

test('a Node.js application started with --use-openssl-ca trusts its own system store', { skip: (!canNetns || !existsSync('/etc/ssl/certs/ca-certificates.crt')) && 'needs root, ip netns and a system store' }, async (t) => {
  const tls = await startPostgres({ tls: 'on' });
  t.after(() => tls.stop());
  const store = join(dir, 'node-openssl-store.crt');
  writeFileSync(store, readFileSync(tls.caFile!));
  // On its command line, and in NODE_OPTIONS: both are Node's own reading of the flag.
  for (const [program, env] of [
    [`${process.execPath} --use-openssl-ca -e "setInterval(() => {}, 1e9)"`, {}],
    [`${process.execPath} -e "setInterval(() => {}, 1e9)"`, { NODE_OPTIONS: '--use-openssl-ca' }],
  ] as const) {
    const app = await tlsApp(t, `mount --bind ${store} /etc/ssl/certs/ca-certificates.crt`, { ...env, NODE_EXTRA_CA_CERTS: '' }, program);
    const r = diagnoseFrom(tls.url({ params: { sslmode: 'verify-full' } }), app);
    assert.equal(r.out.there.classification, 'ok', `${program} ${JSON.stringify(env)}: ${r.out.there.finding}`);
    assert.notEqual(r.out.here.classification, 'ok');
    assert.deepEqual(r.out.from.tlsFiles.map((f) => [f.path, f.from]), [['/etc/ssl/certs/ca-certificates.crt', 'its system store (node --use-openssl-ca)']]);
  }
});

test('a Node.js application against MariaDB, its NODE_EXTRA_CA_CERTS relative to its working directory: read from there', { skip: !canNetns && 'needs root and ip netns' }, async (t) => {
  const tls = await startMariadb({ tls: 'on' });
  t.after(() => tls.stop());
  const verify = tls.url({ params: { 'ssl-mode': 'VERIFY_IDENTITY' } });
  // Node reads a relative NODE_EXTRA_CA_CERTS from the directory it started in: the application's, only its mounts fill.
  const work = join(dir, 'node-mysql-work');
  mkdirSync(work);
  const node = `${process.execPath} -e "setInterval(() => {}, 1e9)"`;
  const app = await tlsApp(t, `mount -t tmpfs node-mysql-work ${work} && cp ${tls.caFile} ${work}/ca.pem && cd ${work}`, { NODE_EXTRA_CA_CERTS: 'ca.pem' }, node);
  assert.ok(!existsSync(join(work, 'ca.pem')), 'the host has no such file');
  const r = diagnoseFrom(verify, app);
  assert.equal(r.out.there.classification, 'ok', `trusted through its NODE_EXTRA_CA_CERTS: ${r.out.there.finding} ${JSON.stringify(r.out.from)}`);
  assert.notEqual(r.out.here.classification, 'ok', 'from here nothing trusts the lab\'s CA');
  assert.deepEqual(r.out.from.tlsFiles, [{ param: 'NODE_EXTRA_CA_CERTS', path: 'ca.pem', read: `/proc/${app}/cwd/ca.pem`, from: "Node's bundled store and its NODE_EXTRA_CA_CERTS" }]);
  // The same application without the variable trusts Node's bundled store alone: untrusted there too.
  const bare = await tlsApp(t, 'true', { NODE_EXTRA_CA_CERTS: '' }, node);
  const b = diagnoseFrom(verify, bare);
  assert.equal(b.out.there.classification, 'cert-untrusted', b.out.there.finding);
  assert.deepEqual(b.out.from.tlsFiles, []);
});

test('a Java application against MariaDB trusts its JSSE store: a javax.net.ssl.trustStore (PKCS12, JKS, JCEKS), else its JVM\'s jssecacerts, else cacerts', { skip: (!canNetns || !hasJava) && 'needs root, ip netns and a JDK' }, async (t) => {
  const tls = await startMariadb({ tls: 'on' });
  t.after(() => tls.stop());
  const verify = tls.url({ params: { 'ssl-mode': 'VERIFY_IDENTITY' } });
  const stores = join(dir, 'java-stores');
  mkdirSync(stores);
  for (const [file, type] of [['ts.p12', 'PKCS12'], ['ts.jks', 'JKS'], ['ts.jceks', 'JCEKS']]) keystore(tls.caFile!, join(stores, file!), type!);
  writeFileSync(join(dir, 'Wait.java'), 'class Wait { public static void main(String[] a) throws Exception { Thread.sleep(600_000); } }');
  const java = (options: string) => `java ${options} ${join(dir, 'Wait.java')}`;
  // Its stores where only its own mount namespace has them.
  const etc = join(dir, 'java-app-etc');
  mkdirSync(etc);
  const setup = `mount -t tmpfs java-app-etc ${etc} && cp ${stores}/ts.p12 ${stores}/ts.jks ${stores}/ts.jceks ${etc}/`;
  const p12 = await tlsApp(t, setup, {}, java(`-Djavax.net.ssl.trustStore=${etc}/ts.p12 -Djavax.net.ssl.trustStorePassword=app-secret`));
  const r = diagnoseFrom(verify, p12);
  assert.equal(r.out.there.classification, 'ok', `trusted through its PKCS12 trustStore: ${r.out.there.finding} ${JSON.stringify(r.out.from)}`);
  assert.notEqual(r.out.here.classification, 'ok', 'from here nothing trusts the lab\'s CA');
  assert.deepEqual(r.out.from.tlsFiles, [{ param: 'ssl-ca', path: `${etc}/ts.p12`, read: `/proc/${p12}/root${etc}/ts.p12`, from: 'its javax.net.ssl.trustStore' }]);
  // JKS, named in JAVA_TOOL_OPTIONS (the JVM reads it as its own options).
  const jks = await tlsApp(t, setup, { JAVA_TOOL_OPTIONS: `-Djavax.net.ssl.trustStore=${etc}/ts.jks` }, java(''));
  const j = diagnoseFrom(verify, jks);
  assert.equal(j.out.there.classification, 'ok', `trusted through its JKS trustStore: ${j.out.there.finding}`);
  assert.equal(j.out.from.tlsFiles[0]?.path, `${etc}/ts.jks`);
  // JCEKS (the JVM is told the type; the engine reads it by its magic number, as JKS).
  const jceks = await tlsApp(t, setup, {}, java(`-Djavax.net.ssl.trustStore=${etc}/ts.jceks -Djavax.net.ssl.trustStoreType=JCEKS`));
  const c = diagnoseFrom(verify, jceks);
  assert.equal(c.out.there.classification, 'ok', `trusted through its JCEKS trustStore: ${c.out.there.finding}`);
  assert.equal(c.out.from.tlsFiles[0]?.path, `${etc}/ts.jceks`);
  // No trustStore, and its JVM has a jssecacerts (only in its own mount namespace): that, before cacerts.
  const security = join(dirname(dirname(realpathSync(spawnSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' }).stdout.trim()))), 'lib', 'security');
  const copy = join(dir, 'jvm-security');
  const withJsse = `cp -a ${security} ${copy} && mount -t tmpfs jvm-security ${security} && cp -a ${copy}/. ${security}/ && cp ${stores}/ts.jceks ${security}/jssecacerts`;
  const jsse = await tlsApp(t, withJsse, {}, java(''));
  const e = diagnoseFrom(verify, jsse);
  assert.equal(e.out.there.classification, 'ok', `trusted through its JVM's jssecacerts: ${e.out.there.finding} ${JSON.stringify(e.out.from)}`);
  assert.deepEqual([e.out.from.tlsFiles[0]?.path, e.out.from.tlsFiles[0]?.from], [`${security}/jssecacerts`, 'its JVM\'s jssecacerts']);
  assert.ok(!existsSync(join(security, 'jssecacerts')), 'this host\'s JVM was left as it was');
  // No trustStore: its JVM's cacerts, a link to /etc/ssl/certs/java/cacerts followed in its own root. This host's
  // holds no lab CA: untrusted there. The application's own, with the lab CA bound over it: trusted.
  const bare = await tlsApp(t, 'true', {}, java(''));
  const b = diagnoseFrom(verify, bare);
  assert.equal(b.out.there.classification, 'cert-untrusted', b.out.there.finding);
  assert.match(b.out.from.tlsFiles[0]?.from ?? '', /^its JVM's cacerts$/);
  const own = await tlsApp(t, `mount --bind ${stores}/ts.jks /etc/ssl/certs/java/cacerts`, {}, java(''));
  const o = diagnoseFrom(verify, own);
  assert.equal(o.out.there.classification, 'ok', `its own cacerts holds the CA: ${o.out.there.finding} ${JSON.stringify(o.out.from)}`);
  // A store it cannot read is said in one line, not judged with another trust.
  const wrong = await tlsApp(t, setup, {}, java(`-Djavax.net.ssl.trustStore=${etc}/ts.p12 -Djavax.net.ssl.trustStorePassword=not-it`));
  const w = spawnSync(process.execPath, [BIN, 'diagnose', '--from-pid', String(wrong), '--json', '--timeout', '15'], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: verify, NO_COLOR: '1' }, timeout: 120_000 });
  assert.equal(w.status, 2, w.stdout + w.stderr);
  assert.match(w.stderr, new RegExp(`its Java trust store ${etc}/ts.p12 cannot be read \\(openssl pkcs12: .*\\), so whom it trusts is not known`));
});

test('a Java application against PostgreSQL: PgJDBC reads libpq\'s files, or its JSSE store where its JDBC URL names the Java factory', { skip: (!canNetns || !hasJava) && 'needs root, ip netns and a JDK' }, async (t) => {
  const tls = await startPostgres({ tls: 'on' });
  t.after(() => tls.stop());
  const verify = tls.url({ params: { sslmode: 'verify-full' } });
  const store = join(dir, 'pgjdbc.p12');
  keystore(tls.caFile!, store, 'PKCS12');
  writeFileSync(join(dir, 'Idle.java'), 'class Idle { public static void main(String[] a) throws Exception { Thread.sleep(600_000); } }');
  const jsse = `-Djavax.net.ssl.trustStore=${store} -Djavax.net.ssl.trustStorePassword=app-secret`;
  const java = (options: string) => `java ${jsse} ${options} ${join(dir, 'Idle.java')}`;
  // The Java factory, named in a JDBC URL on its command line: its JSSE store, which holds the lab's CA.
  const factory = await tlsApp(t, 'true', {}, java(`'-Dspring.datasource.url=jdbc:postgresql://db:5432/app?ssl=true&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory'`));
  const f = diagnoseFrom(verify, factory);
  assert.equal(f.out.there.classification, 'ok', `trusted through its JSSE store: ${f.out.there.finding} ${JSON.stringify(f.out.from)}`);
  assert.deepEqual([f.out.from.tlsFiles[0]?.path, f.out.from.tlsFiles[0]?.from], [store, 'its javax.net.ssl.trustStore (PgJDBC with sslfactory=DefaultJavaSSLFactory)']);
  // The same named in its environment.
  const fromEnv = await tlsApp(t, 'true', { JDBC_DATABASE_URL: 'jdbc:postgresql://db/app?sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory&sslmode=verify-full' }, java(''));
  assert.equal(diagnoseFrom(verify, fromEnv).out.there.classification, 'ok');
  // Its default factory (no sslfactory, or LibPQFactory): libpq's ~/.postgresql/root.crt, which it does not have.
  for (const url of ['jdbc:postgresql://db/app?ssl=true', 'jdbc:postgresql://db/app?sslfactory=org.postgresql.ssl.LibPQFactory']) {
    const libpq = await tlsApp(t, 'true', { HOME: join(dir, 'no-home'), JDBC_DATABASE_URL: url }, java(''));
    const l = diagnoseFrom(verify, libpq);
    assert.equal(l.out.there.classification, 'cert-untrusted', `${url}: ${l.out.there.finding} ${JSON.stringify(l.out.from)}`);
    assert.ok(!l.out.from.tlsFiles.some((x) => x.path === store), `${url}: its JSSE store is not PgJDBC's default trust`);
  }
});

test('sslrootcert=system is the application\'s own system store, not this host\'s', { skip: (!canNetns || !existsSync('/etc/ssl/certs/ca-certificates.crt')) && 'needs root, ip netns and a system store' }, async (t) => {
  const tls = await startPostgres({ tls: 'on' });
  t.after(() => tls.stop());
  const store = join(dir, 'app-store.crt');
  writeFileSync(store, readFileSync(tls.caFile!));
  const app = await tlsApp(t, `mount --bind ${store} /etc/ssl/certs/ca-certificates.crt`);
  const r = diagnoseFrom(tls.url({ params: { sslmode: 'verify-full', sslrootcert: 'system' } }), app);
  assert.equal(r.out.there.classification, 'ok', r.out.there.finding);
  assert.notEqual(r.out.here.classification, 'ok');
  assert.deepEqual(r.out.from.tlsFiles.map((f) => [f.path, f.from]), [['/etc/ssl/certs/ca-certificates.crt', 'its system store']]);
});

test('mistakes are one line: no such process, not a number', () => {
  for (const [pid, why] of [['999999999', /no such process/], ['abc', /takes a process id/]] as const) {
    const r = spawnSync(process.execPath, [BIN, 'diagnose', 'postgres://a@127.0.0.1:1/x', '--from-pid', pid], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, why);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
