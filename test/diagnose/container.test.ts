// `diagnose --from-container NAME`: a real Podman container (a busybox root, no network of its own but its
// loopback), found by its name through the runtime, and the probes run from its place: the database on the
// host's 127.0.0.1 is refused from the container's own localhost. Podman's `inspect` answers as Docker's does.
// And applications inside real containers (this host's node and java, their trust files only in the container's
// own root): the trust the probes take from there is theirs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { BIN } from '../helpers/cli.js';
import { appRootfs, canRunPodman, inspect, PODMAN_SKIP, podman, startContainer } from './podman.js';
import { hasJava, keystore } from './java-stores.js';

const canRun = canRunPodman;
const skip = PODMAN_SKIP;
const NAME = `rb-app-${process.pid}`;
const STOPPED = `rb-stopped-${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'container-'));
let server: LabServer;

const start = (name: string, command: string[]) => startContainer(dir, name, command);

before(async () => {
  if (!canRun) return;
  server = await startPostgres();
  start(NAME, ['/bin/sleep', '600']);
  start(STOPPED, ['/bin/sh', '-c', 'exit 0']);
  podman(['wait', STOPPED]);
});

after(async () => {
  if (canRun) for (const name of [NAME, STOPPED]) podman(['rm', '--force', '--ignore', '--time', '0', name]);
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const diagnose = (args: string[], url: string) => spawnSync(process.execPath, [BIN, 'diagnose', ...args, '--timeout', '2'],
  { encoding: 'utf8', env: { ...process.env, DATABASE_URL: url, NO_COLOR: '1' }, timeout: 120_000 });

test('the container found by its name: the host\'s 127.0.0.1 answers here, the container\'s own localhost refuses', { skip }, () => {
  const r = diagnose(['--from-container', NAME, '--json'], server.url());
  assert.ok(r.stdout.trim().startsWith('{'), `${r.status}: ${r.stdout}${r.stderr}`);
  const out = JSON.parse(r.stdout) as { from: { pid: number; sameNetns: boolean; container: { name: string; runtime: string; id: string } }; there: { classification: string }; here: { classification: string } };
  const pid = Number(inspect(NAME, '{{.State.Pid}}'));
  assert.deepEqual([out.from.pid, out.from.container.name, out.from.container.runtime, out.from.sameNetns], [pid, NAME, 'podman', false]);
  assert.deepEqual([out.here.classification, out.there.classification], ['ok', 'refused']);
  assert.equal(r.status, 1, 'the exit code is the container\'s view');
  const text = diagnose(['--from-container', NAME], server.url());
  assert.match(text.stdout, new RegExp(`^From container ${NAME} \\(podman [0-9a-f]{12}, pid ${pid}\\)`, 'm'));
  assert.match(text.stdout, new RegExp(`from container ${NAME} .* refused \\(refused\\)`));
});

/** An application of this host's (node, java) in a container of its own files, on this host's network (so
 *  the database answers both), its trust file only in its own root. Removed after the test. */
function appContainer(t: { after: (fn: () => void) => void }, name: string, files: Record<string, string | Buffer>, options: string[], command: string[]): void {
  t.after(() => { podman(['rm', '--force', '--ignore', '--time', '0', name]); });
  startContainer(dir, name, command, ['--network=host', '--volume', '/usr:/usr:ro', ...options], appRootfs(dir, name, files));
}

test('a Node.js application in the container: its NODE_EXTRA_CA_CERTS, a file only the container has, is its trust', { skip }, async (t) => {
  const tls = await startPostgres({ tls: 'on' });
  t.after(() => tls.stop());
  const name = `rb-node-${process.pid}`;
  appContainer(t, name, { 'app/ca.pem': readFileSync(tls.caFile!) }, ['--env', 'NODE_EXTRA_CA_CERTS=/app/ca.pem'], ['/usr/bin/node', '-e', 'setTimeout(() => {}, 600000)']);
  const r = diagnose(['--from-container', name, '--json'], tls.url({ params: { sslmode: 'verify-full' } }));
  assert.ok(r.stdout.trim().startsWith('{'), `${r.status}: ${r.stdout}${r.stderr}`);
  const out = JSON.parse(r.stdout) as { from: { sameNetns: boolean; tlsFiles: { path: string; from?: string }[] }; there: { classification: string; finding: string }; here: { classification: string } };
  assert.equal(out.there.classification, 'ok', `${out.there.finding} ${JSON.stringify(out.from)}`);
  assert.equal(out.here.classification, 'cert-untrusted', 'from here nothing trusts the lab\'s CA');
  assert.deepEqual([out.from.sameNetns, out.from.tlsFiles[0]?.path, out.from.tlsFiles[0]?.from], [true, '/app/ca.pem', "Node's bundled store and its NODE_EXTRA_CA_CERTS"]);
});

test('a Java application in the container against MariaDB: its javax.net.ssl.trustStore, a PKCS12 store only the container has', { skip: skip || (!hasJava && 'needs a JDK') }, async (t) => {
  const tls = await startMariadb({ tls: 'on' });
  t.after(() => tls.stop());
  const store = join(dir, 'app.p12');
  keystore(tls.caFile!, store, 'PKCS12');
  const name = `rb-java-${process.pid}`;
  const java = realpathSync(spawnSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' }).stdout.trim());
  // Debian's JDK keeps its configuration under /etc (its conf/security/java.security links there): this host's.
  const config = readdirSync('/etc').filter((e) => e.startsWith('java-')).flatMap((e) => ['--volume', `/etc/${e}:/etc/${e}:ro`]);
  appContainer(t, name, { 'app/ts.p12': readFileSync(store), 'app/Wait.java': 'class Wait { public static void main(String[] a) throws Exception { Thread.sleep(600_000); } }' }, config,
    [java, '-Djavax.net.ssl.trustStore=/app/ts.p12', '-Djavax.net.ssl.trustStorePassword=app-secret', '/app/Wait.java']);
  const r = diagnose(['--from-container', name, '--json'], tls.url({ params: { 'ssl-mode': 'VERIFY_IDENTITY' } }));
  assert.ok(r.stdout.trim().startsWith('{'), `${r.status}: ${r.stdout}${r.stderr}`);
  const out = JSON.parse(r.stdout) as { from: { tlsFiles: { path: string; from?: string }[] }; there: { classification: string; finding: string }; here: { classification: string } };
  assert.equal(out.there.classification, 'ok', `${out.there.finding} ${JSON.stringify(out.from)}`);
  assert.notEqual(out.here.classification, 'ok');
  assert.deepEqual([out.from.tlsFiles[0]?.path, out.from.tlsFiles[0]?.from], ['/app/ts.p12', 'its javax.net.ssl.trustStore']);
});

test('mistakes are one line, exit 2: a stopped container, none of that name, a name that reads as an option, two places', { skip }, () => {
  const cases: [string[], RegExp][] = [
    [['--from-container', STOPPED], /the container is (exited|stopped)/],
    [['--from-container', `rb-none-${process.pid}`], /no running container of that name here \(docker: .*; podman: /],
    [['--from-container', '--help'], /takes a container name or ID/],
    [['--from-container', NAME, '--from-pid', '1'], /give one/],
  ];
  for (const [args, why] of cases) {
    const r = diagnose(args, 'postgres://a@127.0.0.1:1/x');
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, why);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
