// `diagnose --from-ssh HOST`: the probes' connections opened by a real sshd (ssh -W), names resolved there
// (getent). Two hosts: this machine's own sshd (the same view: a real login, TLS verified with the CA file read on
// the host, carried through the tunnel), and an sshd in a network namespace the test made, with its own loopback
// and hosts file (the localhost trap, a name only its hosts file knows).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { BIN } from '../helpers/cli.js';
import { startSshd, type Sshd } from '../targets/sshd.js';

const isRoot = process.getuid?.() === 0;
const canNetns = isRoot && spawnSync('ip', ['netns', 'list']).status === 0;
const NS = `rb-from-ssh-${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'from-ssh-'));
let server: LabServer;
let tls: LabServer;
let local: Sshd;
let remote: Sshd | undefined;

before(async () => {
  [server, tls, local] = await Promise.all([startPostgres(), startPostgres({ tls: 'on' }), startSshd()]);
  if (!canNetns) return;
  spawnSync('ip', ['netns', 'add', NS]);
  spawnSync('ip', ['netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up']);
  const hosts = join(dir, 'hosts');
  writeFileSync(hosts, '127.0.0.1 localhost\n127.0.0.1 db.app.internal\n');
  remote = await startSshd({ netns: { name: NS, hosts } });
});

after(async () => {
  await Promise.all([server?.stop(), tls?.stop(), local?.stop(), remote?.stop()]);
  if (canNetns) spawnSync('ip', ['netns', 'delete', NS]);
  rmSync(dir, { recursive: true, force: true });
});

interface Out { from: { ssh: string; tlsFiles: { param: string; path: string; read: string; from?: string }[] }; there: { classification: string; checks: { layer: string; status: string; summary: string }[] }; here: { classification: string }; differs: boolean }

// No case here waits for a silent server: the timeout only bounds a check, and a loaded CI machine took over 3 s
// for a refused connection's check over SSH (it read as 'timeout'), so it is generous.
function fromSsh(sshd: Sshd, url: string, extra: string[] = []) {
  const r = spawnSync(process.execPath, [BIN, 'diagnose', '--from-ssh', sshd.alias, '--ssh-config', sshd.config, '--json', '--timeout', '20', ...extra],
    { encoding: 'utf8', env: { ...process.env, DATABASE_URL: url, NO_COLOR: '1' }, timeout: 120_000 });
  assert.ok(r.stdout.trim().startsWith('{'), `${r.status}: ${r.stdout}${r.stderr}`);
  return { code: r.status, out: JSON.parse(r.stdout) as Out };
}

test('this machine over SSH: a real login through the host\'s connection, the same answer as from here', async () => {
  const r = fromSsh(local, server.url());
  assert.deepEqual([r.out.here.classification, r.out.there.classification, r.out.differs, r.code], ['ok', 'ok', false, 0]);
  const connect = r.out.there.checks.find((c) => c.layer === 'connect')!;
  assert.match(connect.summary, /logged in as app_user/, 'the login went through the tunnel');
  // A wrong password is the server's answer through the tunnel too, not a lost connection.
  const wrong = new URL(server.url());
  wrong.password = 'not-the-password';
  assert.equal(fromSsh(local, wrong.href).out.there.classification, 'auth');
});

test('TLS through the tunnel, verified with the CA file the URL names, read on the host', async () => {
  const r = fromSsh(local, tls.url({ params: { sslmode: 'verify-full', sslrootcert: tls.caFile! } }));
  assert.equal(r.out.there.classification, 'ok', JSON.stringify(r.out.there.checks));
  assert.deepEqual(r.out.from.tlsFiles.map((f) => [f.param, f.path, f.read]), [['sslrootcert', tls.caFile, `${local.alias}:${tls.caFile}`]]);
  // A file the host lacks is missing there as for the application's client: the config layer says so.
  const missing = fromSsh(local, tls.url({ params: { sslmode: 'verify-full', sslrootcert: '/nonexistent/ca.pem' } }));
  assert.notEqual(missing.out.there.classification, 'ok');
  // A verifying URL that names no CA: the host's trust (its system store here), which does not hold the lab's CA.
  const none = fromSsh(local, tls.url({ params: { sslmode: 'verify-full' } }));
  assert.equal(none.out.there.classification, 'cert-untrusted');
  assert.deepEqual(none.out.from.tlsFiles.map((f) => f.from), ["the host's system store"]);
});

test('another host: its localhost is its own (refused there, ok here)', { skip: !canNetns && 'needs root and ip netns' }, () => {
  const r = fromSsh(remote!, server.url());
  assert.deepEqual([r.out.here.classification, r.out.there.classification, r.out.differs, r.code], ['ok', 'refused', true, 1]);
  assert.match(r.out.there.checks.find((c) => c.layer === 'tcp')!.summary, new RegExp(`from ${remote!.alias}: Connection refused`));
});

test('another host: a name only its hosts file knows resolves there (getent), not here', { skip: !canNetns && 'needs root and ip netns' }, () => {
  const url = new URL(server.url());
  url.hostname = 'db.app.internal';
  const r = fromSsh(remote!, url.href);
  assert.equal(r.out.here.classification, 'dns');
  const dns = r.out.there.checks.find((c) => c.layer === 'dns')!;
  assert.deepEqual([dns.status, dns.summary], ['ok', 'db.app.internal → 127.0.0.1']);
  assert.equal(r.out.there.classification, 'refused', 'resolved by the host, then its own loopback');
});

test('mistakes are one line, exit 2: a host that cannot be logged into, a destination that reads as an option, two places, a socket URL', () => {
  const cases: [string[], string, RegExp][] = [
    [['--from-ssh', local.alias, '--ssh-config', local.clientConfig({ IdentityFile: join(local.dir, 'other_key') })], server.url(), /cannot log in \(.*Permission denied/],
    [['--from-ssh', '-oProxyCommand=touch /tmp/x'], server.url(), /takes an SSH destination/],
    [['--from-ssh', local.alias, '--from-pid', '1'], server.url(), /give one/],
    [['--from-ssh', local.alias, '--ssh-config', local.config], 'postgres://app@%2Frun%2Fpostgresql/app', /Unix socket URL names a file on that host/],
  ];
  for (const [args, url, why] of cases) {
    const r = spawnSync(process.execPath, [BIN, 'diagnose', ...args], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: url } });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, why);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
