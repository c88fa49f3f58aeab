// Unix-socket URLs against real servers over their sockets: every layer treats the socket as a path on
// this machine, never as a DNS name (diagnose, probes, SQL steps and the target fingerprint).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseUrl, socketPath } from '../../src/db/url.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { createExecutors } from '../../src/executors/index.js';
import type { TargetFingerprint } from '../../src/executors/fingerprint.js';
import { labServerInfo, startServer, type LabServer } from '../../src/lab/index.js';
import { testContext } from '../executors/context.js';
import { readEvents, runCli, type TranscriptEvent } from '../runbooks/helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'runbook-socket-refused-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** `runbook run refused` with stdin closed: it stops at its first question. */
async function refused(url: string): Promise<{ events: TranscriptEvent[]; path: string[]; asked: string[]; text: string }> {
  const transcript = join(scratch, `refused-${Math.random().toString(36).slice(2)}.jsonl`);
  await runCli(['run', 'refused', '--plain', '--transcript', transcript, '--input', `url=${url}`]);
  const events = readEvents(transcript);
  return {
    events,
    path: events.filter((e) => e.type === 'step-started').map((e) => e.stepId!),
    asked: events.filter((e) => e.type === 'question-asked').map((e) => (e as unknown as { question: { stepId: string } }).question.stepId),
    text: JSON.stringify(events),
  };
}

/** Steps about TCP addresses and ports: never for a socket URL. */
const TCP_ONLY = ['sockets', 'bind-address', 'restart-db', 'wrong-port', 'localhost-trap'];

describe('socket URLs parse as sockets', () => {
  it('PostgreSQL: ?host=/dir, %2F-encoded host, both give <dir>/.s.PGSQL.<port>', () => {
    for (const url of ['postgresql:///db?host=/run/postgresql', 'postgres://u@%2Frun%2Fpostgresql/db', 'postgres://u:p@%2Frun%2Fpostgresql:5432/db']) {
      const info = parseUrl(url);
      assert.equal(info.host, '/run/postgresql', url);
      assert.equal(socketPath(info), '/run/postgresql/.s.PGSQL.5432', url);
    }
    assert.equal(socketPath(parseUrl('postgres://u@db.internal/db')), undefined);
    assert.equal(socketPath(parseUrl('postgres://u@localhost/db')), undefined, 'localhost is TCP, as in libpq');
  });

  it('MariaDB: ?socket=/path (mysql2 socketPath), or a %2F-encoded host that is the socket file', () => {
    assert.equal(socketPath(parseUrl('mysql://u@localhost/db?socket=/run/mysqld/mysqld.sock')), '/run/mysqld/mysqld.sock');
    assert.equal(socketPath(parseUrl('mariadb://u@%2Frun%2Fmysqld%2Fmysqld.sock/db')), '/run/mysqld/mysqld.sock');
    assert.equal(socketPath(parseUrl('mysql://u@localhost/db')), undefined);
  });
});

/** The URL shapes an operator would write for this server's socket. */
function socketUrls(server: LabServer): string[] {
  const dir = labServerInfo(server)!.dir;
  const u = encodeURIComponent(server.appUser);
  const p = encodeURIComponent(server.appPassword);
  if (server.engine === 'postgres') {
    return [
      `postgresql://${u}:${p}@/${server.database}?host=${encodeURIComponent(dir)}&port=${server.port}`,
      `postgres://${u}:${p}@${encodeURIComponent(dir)}:${server.port}/${server.database}`,
    ];
  }
  const sock = join(dir, 'mysqld.sock');
  return [
    `mysql://${u}:${p}@localhost/${server.database}?socket=${encodeURIComponent(sock)}`,
    `mariadb://${u}:${p}@${encodeURIComponent(sock)}/${server.database}`,
  ];
}

for (const engine of ['postgres', 'mariadb'] as const) {
  describe(`${engine} over its Unix socket`, () => {
    let server: LabServer;
    before(async () => { server = await startServer(engine); });
    after(async () => { await server?.stop(); });

    it('diagnose: every layer passes, DNS is not asked, TLS does not apply', async () => {
      for (const url of socketUrls(server)) {
        const d = await diagnose({ url, from: 'test' }, { timeoutMs: 5000 });
        assert.equal(d.classification, 'ok', `${url}: ${JSON.stringify(d.checks)}`);
        const dns = d.checks.find((c) => c.layer === 'dns')!;
        assert.match(dns.summary, /Unix socket .*no DNS/);
        assert.match(d.checks.find((c) => c.layer === 'tcp')!.summary, /Unix socket/);
        assert.equal(d.checks.find((c) => c.layer === 'connect')?.status, 'ok');
      }
    });

    it('a socket that does not exist is refused, never a DNS failure', async () => {
      const url = socketUrls(server)[0]!.replace(encodeURIComponent(labServerInfo(server)!.dir), encodeURIComponent('/nonexistent/dir'));
      const d = await diagnose({ url, from: 'test' }, { timeoutMs: 5000 });
      assert.equal(d.classification, 'refused', JSON.stringify(d.checks));
      assert.equal(d.checks.find((c) => c.layer === 'dns')?.status, 'ok');
    });

    it('refused runbook, a socket path where nothing is: the socket branch lists the sockets listening here, never the TCP advice', async () => {
      const dir = labServerInfo(server)!.dir;
      const wrong = socketUrls(server)[0]!.replace(encodeURIComponent(dir), encodeURIComponent(join(scratch, 'no-such-dir')));
      const r = await refused(wrong);
      assert.deepEqual(r.path.slice(0, 4), ['resolve', 'runtime', 'listening', 'socket-file']);
      assert.deepEqual(r.asked, ['socket-elsewhere'], r.path.join(' '));
      for (const id of TCP_ONLY) assert.ok(!r.path.includes(id) || r.events.some((e) => e.type === 'step-skipped' && e.stepId === id), `${id} in ${r.path.join(' ')}`);
      const sockfile = r.events.find((e) => e.type === 'step-finished' && e.stepId === 'socket-file') as { result?: { stdout?: string } };
      assert.match(String(sockfile.result?.stdout), /socket=missing/);
      // This server's own socket is among those listed as listening here.
      const own = server.engine === 'postgres' ? join(dir, `.s.PGSQL.${server.port}`) : join(dir, 'mysqld.sock');
      assert.ok(String(sockfile.result?.stdout).includes(own), String(sockfile.result?.stdout));
    });

    it('refused runbook, a regular file where the socket should be: named as not a socket, never the TCP advice', async () => {
      const fake = join(scratch, `not-a-socket-${engine}`);
      writeFileSync(fake, '');
      const url = engine === 'postgres'
        ? `postgresql://${server.appUser}@/${server.database}?host=${encodeURIComponent(scratch)}&port=1`
        : `mysql://${server.appUser}@localhost/${server.database}?socket=${encodeURIComponent(fake)}`;
      if (engine === 'postgres') writeFileSync(join(scratch, '.s.PGSQL.1'), '');
      const r = await refused(url);
      assert.ok(r.path.includes('socket-file'), r.path.join(' '));
      assert.match(r.text, /socket=not-a-socket/);
      for (const id of ['bind-address', 'restart-db', 'wrong-port']) assert.ok(!r.path.includes(id), `${id} in ${r.path.join(' ')}`);
      assert.equal(r.asked.length, 1, r.path.join(' '));
    });

    it('SQL steps run over the socket and fingerprint the server, not a host name', async () => {
      const executors = createExecutors();
      try {
        for (const url of socketUrls(server)) {
          const targets: TargetFingerprint[] = [];
          const ctx = { ...testContext(), onTarget: (_c: string, t: TargetFingerprint) => { targets.push(t); } };
          const r = await executors.execute({ kind: 'sql', connection: 'db', url, query: 'SELECT 1 AS one', params: [], readOnly: true }, ctx);
          assert.equal(r.status, 'ok', r.error);
          assert.equal(Number(r.rows?.[0]?.one), 1);
          assert.equal(targets.length, 1);
          assert.ok(targets[0]!.host.startsWith('/'), targets[0]!.host);
          assert.ok(!targets[0]!.weak, JSON.stringify(targets[0]));
        }
      } finally {
        await executors.close();
      }
    });

    it('TCP and a socket URL to the same server fingerprint as the same server', async () => {
      const executors = createExecutors();
      try {
        const seen: string[] = [];
        for (const url of [server.url(), socketUrls(server)[0]!]) {
          const ctx = { ...testContext(), onTarget: (_c: string, t: TargetFingerprint) => { seen.push(t.server); } };
          const r = await executors.execute({ kind: 'sql', connection: 'db', url, query: 'SELECT 1 AS one', params: [], readOnly: true }, ctx);
          assert.equal(r.status, 'ok', r.error);
        }
        assert.equal(seen.length, 2);
        if (engine === 'mariadb') assert.equal(seen[0], seen[1]);
        else assert.equal(seen[0]!.split(' at ')[0], seen[1]!.split(' at ')[0], 'same system_identifier');
      } finally {
        await executors.close();
      }
    });
  });
}
