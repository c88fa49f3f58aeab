// A proven read's temporary files are its own and go with it (executors/read-scratch.ts): a probe of stop 67 left
// hundreds of GNU sort's spill files in the host's /tmp per run of `yes | timeout -s KILL 3 sort -S 1M` (sort
// removes them on SIGTERM, not on SIGKILL). The run's TMPDIR is a scratch directory here, so what is left in it
// is exactly what the steps left.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';
import { SANDBOX_TMPFS_BYTES } from '../../src/executors/sandbox.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

test('a proven read that spills to temporary files and is killed leaves nothing in the temp dir; it ran with a TMPDIR of its own', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  const file = writeRunbook(dir, 'spill', `name: spill
title: Spill
steps:
  - id: where
    shell: env | grep '^TMPDIR='
  - id: spill
    shell: yes 0123456789abcdef | timeout -s KILL 3 sort -S 1M
    on: { error: done }
  - { id: done, end: resolved, message: ok }
`);
  const r = await cli(['run', file, '--plain', '--no-transcript'], { cwd: dir, env: { TMPDIR: tmp } });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`\\| TMPDIR=${tmp}/runbook-read-`), 'the read had a TMPDIR of its own');
  assert.match(r.stdout, /spill.*(SIGKILL|killed|137)/s, 'sort was killed mid-spill');
  assert.deepEqual(readdirSync(tmp), [], 'nothing is left in the temp dir');
});

test("a dry run's private /tmp is sized: a read that spills there stops at no space, not at the host's memory", { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const file = writeRunbook(dir, 'size', `name: size
title: Size
steps:
  - id: df
    shell: df -k --output=size /tmp
  - { id: done, end: resolved, message: ok }
`);
  const r = await cli(['run', file, '--plain', '--no-transcript', '--dry-run'], { cwd: dir });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /ran in the sandbox|sandbox/);
  assert.match(r.stdout, new RegExp(`\\| +${SANDBOX_TMPFS_BYTES / 1024}\\n`), 'the sandbox\'s /tmp has its size');
});

// A probe of stop 70: a proven `kubectl get pods` wrote its discovery and HTTP caches under ~/.kube/cache (whatever
// its options: only --cache-dir is refused). A proven read's caches go to its scratch directory (KUBECACHEDIR,
// XDG_CACHE_HOME). A loopback server answers kubectl's discovery and the pod list.
const kubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
test('a proven kubectl get leaves no cache in the home directory', { timeout: E2E_TEST_LIMIT_MS, skip: !kubectl && 'kubectl not installed' }, async (t) => {
  const answers: Record<string, unknown> = {
    '/version': { major: '1', minor: '32', gitVersion: 'v1.32.0' },
    '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] },
    '/apis': { kind: 'APIGroupList', apiVersion: 'v1', groups: [] },
    '/api/v1': { kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list'], shortNames: ['po'] }] },
    '/api/v1/namespaces/default/pods': { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [] },
  };
  const asked: string[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    asked.push(path);
    const body = answers[path];
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? { kind: 'Status', code: 404 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const dir = scratch(t);
  const home = join(dir, 'home');
  mkdirSync(join(home, '.kube'), { recursive: true });
  const port = (server.address() as { port: number }).port;
  writeFileSync(join(home, '.kube', 'config'), `apiVersion: v1\nkind: Config\nclusters: [{ name: c, cluster: { server: "http://127.0.0.1:${port}" } }]\ncontexts: [{ name: c, context: { cluster: c, user: u, namespace: default } }]\ncurrent-context: c\nusers: [{ name: u, user: {} }]\n`);
  const file = writeRunbook(dir, 'kube', `name: kube\ntitle: Kube\nsteps:\n  - id: pods\n    shell: kubectl get pods\n  - { id: done, end: resolved, message: ok }\n`);
  const r = await cli(['run', file, '--plain', '--no-transcript'], { cwd: dir, env: { HOME: home } });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.ok(asked.includes('/api/v1/namespaces/default/pods'), `kubectl asked the server: ${asked.join(' ')}`);
  assert.deepEqual(readdirSync(join(home, '.kube')), ['config'], 'kubectl wrote under ~/.kube');
});
