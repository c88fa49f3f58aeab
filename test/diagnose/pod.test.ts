// `diagnose --from-pod NAMESPACE/POD`: the pod's container is a real Podman container on this machine (a busybox
// root, no network of its own but its loopback), found by the kernel's cgroups from the container ID kubectl
// reports, and the probes run from its place: the database on the host's 127.0.0.1 is refused from the pod's own
// localhost. No cluster can run here: kubectl is a stand-in that answers `get pod` with the pod's JSON as the
// API server would (the container's real ID, a sidecar first in status order but second in the spec, the node).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { BIN } from '../helpers/cli.js';
import { canRunPodman, inspect, PODMAN_SKIP, podman, startContainer } from './podman.js';

const NAME = `rb-pod-app-${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'pod-'));
const bin = join(dir, 'bin');
let server: LabServer;

/** The pod's JSON as `kubectl get pod -o json` gives it; `app` runs in the container whose ID is given (none runs
 *  without one). */
const podJson = (appId: string, node: string, phase = 'Running') => JSON.stringify({
  metadata: { name: 'web-1', namespace: 'shop' },
  spec: { nodeName: node, containers: [{ name: 'app' }, { name: 'proxy' }] },
  status: {
    phase,
    containerStatuses: [
      { name: 'proxy', containerID: `containerd://${'e'.repeat(64)}`, state: appId ? { running: {} } : { waiting: {} } },
      { name: 'app', containerID: `cri-o://${appId}`, state: appId ? { running: {} } : { waiting: {} } },
    ],
  },
});

/** The stand-in kubectl: `get pod --namespace shop … -- web-1` prints FAKE_POD; any other pod is not found. */
const KUBECTL = `#!/bin/bash
name=\${@: -1}; ns=; prev=; for a in "$@"; do [ "$prev" = --namespace ] && ns=$a; prev=$a; done
if [ "$1 $2" = "get pod" ] && [ "$ns/$name" = shop/web-1 ]; then printf '%s' "$FAKE_POD"; exit 0; fi
echo "Error from server (NotFound): pods \\"$name\\" not found" >&2; exit 1
`;

before(async () => {
  if (!canRunPodman) return;
  server = await startPostgres();
  startContainer(dir, NAME, ['/bin/sleep', '600']);
  spawnSync('mkdir', ['-p', bin]);
  writeFileSync(join(bin, 'kubectl'), KUBECTL);
  chmodSync(join(bin, 'kubectl'), 0o755);
});

after(async () => {
  if (canRunPodman) podman(['rm', '--force', '--ignore', '--time', '0', NAME]);
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const diagnose = (args: string[], url: string, pod: string) => spawnSync(process.execPath, [BIN, 'diagnose', ...args, '--timeout', '2'],
  { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, FAKE_POD: pod, DATABASE_URL: url, NO_COLOR: '1' }, timeout: 120_000 });

test('the pod\'s first container of its spec, found by its cgroup: the host\'s 127.0.0.1 answers here, the pod\'s own localhost refuses', { skip: PODMAN_SKIP }, () => {
  const id = inspect(NAME, '{{.Id}}');
  const pid = Number(inspect(NAME, '{{.State.Pid}}'));
  const r = diagnose(['--from-pod', 'shop/web-1', '--json'], server.url(), podJson(id, hostname()));
  assert.ok(r.stdout.trim().startsWith('{'), `${r.status}: ${r.stdout}${r.stderr}`);
  const out = JSON.parse(r.stdout) as { from: { pid: number; sameNetns: boolean; pod: { namespace: string; name: string; container: string; id: string } }; there: { classification: string }; here: { classification: string } };
  assert.deepEqual([out.from.pid, out.from.pod.namespace, out.from.pod.name, out.from.pod.container, out.from.pod.id, out.from.sameNetns], [pid, 'shop', 'web-1', 'app', id.slice(0, 12), false]);
  assert.deepEqual([out.here.classification, out.there.classification], ['ok', 'refused']);
  assert.equal(r.status, 1, 'the exit code is the pod\'s view');
  const text = diagnose(['--from-pod', 'shop/web-1'], server.url(), podJson(id, hostname()));
  assert.match(text.stdout, new RegExp(`^From pod shop/web-1 \\(container app ${id.slice(0, 12)}, pid ${pid}\\)`, 'm'));
});

test('mistakes are one line, exit 2: a pod elsewhere, not running, not found, a name that is not NAMESPACE/POD, two places', { skip: PODMAN_SKIP }, () => {
  const elsewhere = 'f'.repeat(64);
  const cases: [string[], string, RegExp][] = [
    [['--from-pod', 'shop/web-1'], podJson(elsewhere, 'node-7'), /its container app does not run on this machine \(the pod is on node node-7\): run this there, or use --from-ssh node-7/],
    [['--from-pod', 'shop/web-1'], podJson('', 'node-7', 'Pending'), /no container of the pod is running \(it is Pending\)/],
    [['--from-pod', 'shop/web-2'], '', /--from-pod shop\/web-2: pods "web-2" not found/],
    [['--from-pod', 'web-1'], '', /takes NAMESPACE\/POD/],
    [['--from-pod', 'shop/--help'], '', /takes NAMESPACE\/POD/],
    [['--from-pod', 'shop/web-1', '--from-pid', '1'], '', /give one/],
  ];
  for (const [args, pod, why] of cases) {
    const r = diagnose(args, 'postgres://a@127.0.0.1:1/x', pod);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, why);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
