// refused when the port listens on this host, on another loopback address than the URL's (issue #35): a server
// bound to 127.0.0.2 (listen_addresses / bind-address names one address) while the URL says 127.0.0.1. The
// runbook's own listener check lists 127.0.0.2:<port>; the advice that follows must use it, not send the operator
// to Docker, Kubernetes or another VM. The listener is a plain TCP socket on 127.0.0.2 standing in for the bound
// server (the check reads only ss), beside a real lab server so a database process runs here.
// The sockets step flags the URL's address as not listening, and the run goes to other-address, which shows the
// listeners (docs/runbooks/refused.md, "Review").
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, type LabServer } from '../../src/lab/index.js';
import { readEvents, type TranscriptEvent } from './helpers.js';
import { runCliAnswering } from './answers.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-other-address-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('refused: the port listens on 127.0.0.2, the URL connects to 127.0.0.1', () => {
  let server: LabServer;
  let listener: net.Server;
  let port: number;
  let events: TranscriptEvent[] = [];
  before(async () => {
    server = await startServer('postgres');
    listener = net.createServer((c) => c.destroy());
    await new Promise<void>((resolve, reject) => { listener.once('error', reject); listener.listen(0, '127.0.0.2', resolve); });
    port = (listener.address() as net.AddressInfo).port;
    const transcript = join(dir, 'other-address.jsonl');
    // In a container the loopback URL is questioned first: the database runs here. Every later question: cannot.
    await runCliAnswering(['run', 'refused', '--plain', '--transcript', transcript,
      '--input', `url=postgres://app_user:x@127.0.0.1:${port}/app_db`],
    [['database-runs-here', 'database-runs-here'], ['cannot', 'cannot']]);
    events = readEvents(transcript);
  });
  after(async () => { listener?.close(); await server?.stop(); });

  it("the runbook's listener check finds the port on 127.0.0.2", () => {
    const listening = events.find((e) => e.type === 'step-finished' && e.stepId === 'listening') as { result?: { classification?: string } };
    assert.equal(listening.result?.classification, 'refused');
    const sockets = events.find((e) => e.type === 'step-finished' && e.stepId === 'sockets') as { result?: { stdout?: string } } | undefined;
    assert.match(String(sockets?.result?.stdout), new RegExp(`on port ${port}: 127\\.0\\.0\\.2:${port}\\n`));
  });

  it('the advice names that address, not Docker, Kubernetes or another VM', () => {
    const started = events.filter((e) => e.type === 'step-started').map((e) => e.stepId);
    assert.deepEqual(started.slice(-3), ['sockets', 'logs', 'other-address'], started.join(','));
    assert.ok(!started.includes('elsewhere'), started.join(','));
    const sockets = events.find((e) => e.type === 'step-finished' && e.stepId === 'sockets') as { result?: { stdout?: string } } | undefined;
    assert.match(String(sockets?.result?.stdout), /^url-address=not-listening: 127\.0\.0\.1$/m);
    const asked = events.filter((e) => e.type === 'question-asked').at(-1) as { question?: { stepId?: string; action?: { instructions?: string } } } | undefined;
    assert.equal(asked?.question?.stepId, 'other-address');
    assert.match(String(asked?.question?.action?.instructions), new RegExp(`127\\.0\\.0\\.2:${port}`));
    assert.doesNotMatch(String(asked?.question?.action?.instructions), /Docker|Kubernetes/);
    const end = events.find((e) => e.type === 'run-finished') as { outcome?: string; stepId?: string } | undefined;
    assert.deepEqual([end?.outcome, end?.stepId], ['escalate', 'escalate']);
  });
});
