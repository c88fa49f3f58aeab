// `runbook demo pool-exhausted --plain --yes` from a fresh directory: exits 0, writes a transcript, and
// leaves no database behind (its port refuses afterwards).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pgbouncerBinary } from '../../src/lab/pgbouncer.js';
import { runCliWithAnswers } from './answers.js';
import { gates, readEvents, runCli } from './helpers.js';

const cwd = mkdtempSync(join(tmpdir(), 'runbook-demo-'));
after(() => rmSync(cwd, { recursive: true, force: true }));

function portRefuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(false); });
    s.once('error', () => resolve(true));
  });
}

describe('runbook demo', () => {
  it('pool-exhausted --plain --yes runs end to end and cleans up', async () => {
    const r = await runCli(['demo', 'pool-exhausted', '--plain', '--yes'], { cwd });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /finished resolved/);
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(r.stdout)?.[1]);
    assert.ok(port > 0, 'the demo says where its server ran');
    assert.ok(await portRefuses(port), 'the demo server is gone');
    assert.match(r.stdout, /Demo database stopped and removed/);
    const transcript = /Transcript: (\S+\.jsonl)/.exec(r.stdout)?.[1];
    assert.ok(transcript && existsSync(transcript) && transcript.startsWith(cwd));
    const { asked, answered } = gates(readEvents(transcript));
    assert.ok(asked.length > 0 && asked.every((id) => answered[id] === 'yes'));
  });

  it('pooler --plain --yes: PgBouncer with its pool full in front of PostgreSQL; the holders are terminated, resolved, both servers gone',
    { skip: pgbouncerBinary() ? false : 'pgbouncer is not installed' }, async () => {
      // One answer: 'continue' past the pool-full advice (a manual step; --yes approves gates only).
      const r = await runCliWithAnswers(['demo', 'pooler', '--plain', '--yes', '--transcript', join(cwd, 'pooler.jsonl')], ['continue']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /finished resolved/);
      const ports = [...r.stdout.matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
      assert.ok(ports.length >= 2, 'the demo says where PgBouncer and PostgreSQL ran');
      for (const port of new Set(ports)) assert.ok(await portRefuses(port), `port ${port} is closed after the demo`);
      assert.match(r.stdout, /Demo database stopped and removed/);
      const transcript = /Transcript: (\S+\.jsonl)/.exec(r.stdout)?.[1];
      assert.ok(transcript && existsSync(transcript) && transcript.startsWith(cwd));
      const events = readEvents(transcript);
      const steps = events.filter((e) => e.type === 'step-started').map((e) => e.stepId);
      assert.ok(steps.includes('pooler-pool-full') && steps.includes('terminate-idle-tx-pg'), steps.join(' '));
      const { asked, answered } = gates(events);
      assert.deepEqual(asked, ['terminate-idle-tx-pg']);
      assert.equal(answered['terminate-idle-tx-pg'], 'yes');
    });

  it('pooler on MariaDB is a usage error (PgBouncer pools PostgreSQL)', async () => {
    const r = await runCli(['demo', 'pooler', '--engine', 'mariadb'], { cwd });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /PgBouncer in front of PostgreSQL/);
  });

  it('refuses an unknown scenario with a usage error', async () => {
    const r = await runCli(['demo', 'nope'], { cwd });
    assert.equal(r.code, 2);
  });
});
