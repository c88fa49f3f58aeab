// `runbook demo pool-exhausted --plain --yes` from a fresh directory: exits 0, writes a transcript, and
// leaves no database behind (its port refuses afterwards).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
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

  it('refuses an unknown scenario with a usage error', async () => {
    const r = await runCli(['demo', 'nope'], { cwd });
    assert.equal(r.code, 2);
  });
});
