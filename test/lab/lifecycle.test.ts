// Start/stop behaviour and cleanup on every exit path.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  findMariadbBinaries,
  findPostgresBinaries,
  injectFault,
  labServerInfo,
  LabError,
  startMariadb,
  startPostgres,
  type FaultKind,
} from '../../src/lab/index.js';
import { locateMariadb, locatePostgres } from '../../src/lab/binaries.js';
import { eventually, isGone } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));

interface ChildServers {
  child: ReturnType<typeof spawn>;
  servers: { pid: number; dir: string }[];
}

/** Runs fixtures/server-child.ts and waits for it to report its servers. */
function startChild(mode: 'wait' | 'exit', engines: string): Promise<ChildServers> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'fixtures/server-child.ts'), mode, engines], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve({ child, servers: JSON.parse(out.split('\n')[0] ?? '[]') });
    });
    child.once('exit', (code) => reject(new Error(`child exited early with ${code}: ${out}`)));
  });
}

const exited = (c: ChildServers['child']): Promise<unknown> =>
  c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r));

describe('lab lifecycle', () => {
  it('finds the server binaries', () => {
    assert.match(findPostgresBinaries().postgres, /\/postgres$/);
    assert.match(findMariadbBinaries().server, /\/(mariadbd|mysqld)$/);
  });

  it('says what to install when binaries are missing', () => {
    assert.throws(() => locatePostgres(['/nonexistent']), /apt-get install -y postgresql/);
    assert.throws(() => locateMariadb(['/nonexistent']), /apt-get install -y mariadb-server/);
  });

  it('stop() is idempotent, kills the server and removes its temp dir', async () => {
    const server = await startPostgres();
    const { pid, dir } = labServerInfo(server)!;
    assert.match(dir, /runbook-lab-/);
    await Promise.all([server.stop(), server.stop()]);
    await server.stop();
    assert.ok(await eventually(() => isGone(pid)));
    assert.equal(existsSync(dir), false);
  });

  it('URLs percent-encode the password and default to the app role', async () => {
    const server = await startMariadb();
    try {
      const url = new URL(server.url({ params: { a: 'b c' } }));
      assert.equal(url.protocol, 'mysql:');
      assert.equal(decodeURIComponent(url.username), server.appUser);
      assert.equal(decodeURIComponent(url.password), server.appPassword);
      assert.match(server.appPassword, /[:@/#]/);
      assert.equal(url.searchParams.get('a'), 'b c');
      assert.equal(decodeURIComponent(new URL(server.adminUrl()).username), server.superuser);
    } finally {
      await server.stop();
    }
  });

  it('rejects impossible options with a LabError', async () => {
    await assert.rejects(startPostgres({ maxConnections: 3, reservedConnections: 3 }), LabError);
    await assert.rejects(startMariadb({ maxConnections: 5 }), /max_connections >= 10/);
    await assert.rejects(startMariadb({ reservedConnections: 3 }), /exactly one extra connection/);
    await assert.rejects(injectFault('bogus' as FaultKind, 'postgres'), /unknown fault kind: bogus/);
  });

});

// Each child builds its own templates (~1 s); run them side by side.
describe('lab cleanup when the owning process ends', { concurrency: true }, () => {
  it('SIGTERM to the owning process kills its servers and removes the lab dir', async () => {
    const run = await startChild('wait', 'postgres,mariadb');
    assert.equal(run.servers.length, 2);
    run.child.kill('SIGTERM');
    await exited(run.child);
    assert.equal(run.child.signalCode, 'SIGTERM'); // default signal behaviour is kept
    for (const { pid, dir } of run.servers) {
      assert.ok(await eventually(() => isGone(pid)), `server ${pid} survived`);
      assert.equal(existsSync(dirname(dir)), false);
    }
  });

  it('a process that forgets stop() still exits, and its servers die with it', async () => {
    const run = await startChild('exit', 'postgres');
    await exited(run.child);
    assert.equal(run.child.exitCode, 0);
    const { pid, dir } = run.servers[0]!;
    assert.ok(await eventually(() => isGone(pid)));
    assert.equal(existsSync(dir), false);
  });

  it('SIGKILL of the owning process still kills its servers (parent-death signal)', async () => {
    const run = await startChild('wait', 'postgres');
    run.child.kill('SIGKILL');
    await exited(run.child);
    const { pid, dir } = run.servers[0]!;
    assert.ok(await eventually(() => isGone(pid)));
    rmSync(dirname(dir), { recursive: true, force: true }); // no exit hook ran: tidy up ourselves
  });
});
