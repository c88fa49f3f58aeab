// `diagnose --from-container NAME`: a real Podman container (a busybox root, no network of its own but its
// loopback), found by its name through the runtime, and the probes run from its place: the database on the
// host's 127.0.0.1 is refused from the container's own localhost. Podman's `inspect` answers as Docker's does.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { BIN } from '../helpers/cli.js';
import { canRunPodman, inspect, PODMAN_SKIP, podman, startContainer } from './podman.js';

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
