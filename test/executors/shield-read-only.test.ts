// A proven read in a real run sees the host read-only (executors/shield.ts): a probe of stop 73 ran the reviewed
// `pg_ctlcluster VERSION CLUSTER status`, whose Debian script first creates the cluster's log file, its socket
// directories and its stats directory as root, and each landed on the host. The lint reads the argv; the program
// is a script whose own code writes. Now the kernel refuses every such write (EROFS), as in a dry run, while the
// step's own scratch directory (its TMPDIR) stays writable. The oracle is the host's file system after the run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';

const root = process.getuid?.() === 0;
const tools = ['/usr/bin/bwrap', '/usr/bin/pg_ctlcluster'].every((p) => existsSync(p));

describe('a shielded proven read writes nothing on the host', { skip: !root || !tools ? 'needs root, bwrap and pg_ctlcluster' : false }, () => {
  it("pg_ctlcluster's housekeeping is refused by the kernel; the step's TMPDIR is still its own to write", async (t) => {
    const dir = scratch(t);
    const cluster = `rb${process.pid}`;
    const conf = join(dir, 'etc', '15', cluster);
    mkdirSync(conf, { recursive: true });
    const sockets = join(dir, 'sockets');
    const stats = join(dir, 'stats', 'tmp');
    writeFileSync(join(conf, 'postgresql.conf'), `data_directory = '${join(dir, 'data')}'\nport = 1\nunix_socket_directories = '${sockets}'\nstats_temp_directory = '${stats}'\n`);
    for (const f of ['pg_hba.conf', 'pg_ident.conf']) writeFileSync(join(conf, f), '');
    writeFileSync(join(conf, 'start.conf'), 'manual\n');
    // As a real cluster has them: its data directory and the stats directory's parent are the cluster owner's.
    mkdirSync(join(dir, 'data'), { mode: 0o700 });
    mkdirSync(join(dir, 'stats'));
    chmodSync(dir, 0o755);
    assert.equal(spawnSync('chown', ['postgres:', join(dir, 'data'), join(dir, 'stats')]).status, 0);
    const log = `/var/log/postgresql/postgresql-15-${cluster}.log`;
    t.after(() => rmSync(log, { force: true }));
    const file = writeRunbook(dir, 'status', `name: status
title: Cluster status
steps:
  - id: look
    shell: pg_ctlcluster 15 ${cluster} status
    on: { failed: spill }
  - id: spill
    shell: seq 1 300000 | sort -S 64K -n | tail -n 1
  - { id: done, end: resolved, message: looked }
`);
    const v = await cli(['validate', file]);
    assert.equal(v.code, 0, `pg_ctlcluster status is reviewed as a read: ${v.stdout}${v.stderr}`);
    const r = await cli(['run', file, '--plain', '--no-transcript'], { cwd: dir, env: { PG_CLUSTER_CONF_ROOT: join(dir, 'etc') } });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const path of [sockets, stats, log]) assert.ok(!existsSync(path), `${path} was created by a proven read`);
    assert.match(r.stdout, /\| 300000\n/, 'sort spilled to the step\'s own TMPDIR');
  });
});
