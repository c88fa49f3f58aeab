// What a run with a team store shows and hides: while the store is down, the count of transcript lines waiting
// for it reaches the team feed (the terminal UI's header); RUNBOOK_STORE, whose URL may carry a password, is
// withheld from the steps' environment like the other credential variables.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cli } from '../helpers/cli.js';
import { until } from '../helpers/poll.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { storeForRun } from '../../src/cli/team-store.js';
import { createTeamFeed } from '../../src/ui/team-feed.js';
import { fileLines, machineEnv, scratch, startStoreLab, type StoreLab } from './helpers.js';

const GUARD = 60_000; // a hang guard

/** A loopback port nothing listens on (taken, then let go): connecting there is refused. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe('a run with a team store', { timeout: E2E_TEST_LIMIT_MS }, () => {
  let lab: StoreLab;
  before(async () => { lab = await startStoreLab(); });
  after(async () => { await lab?.stop(); });

  it('while the store is down, the lines waiting for it are counted in the feed', async () => {
    const said: string[] = [];
    const feed = createTeamFeed((l) => said.push(l));
    const store = await storeForRun(`postgres://alice@127.0.0.1:${await closedPort()}/ops`, feed, { onLost: () => undefined });
    assert.ok(store);
    const header = JSON.stringify({ type: 'header', seq: 0, runId: 'r-pending', runbook: { name: 'demo', sha256: 'abc' } });
    store.sink.line(0, header);
    for (let seq = 1; seq <= 4; seq++) store.sink.line(seq, JSON.stringify({ type: 'note', seq, ts: new Date().toISOString() }));
    store.sink.synced(4);
    await until(() => feed.get().pending === 5, GUARD, 'the five waiting lines counted');
    assert.match(said.join('\n'), /store: store unreachable .*5 events wait here, the run goes on/);
    const signal = new AbortController().signal;
    assert.equal(await store.mayAct({ provenRead: true, signal }), undefined, 'a store that is down stops no proven read (local first)');
    assert.equal(await store.mayAct({ provenRead: false, signal }), undefined,
      'nor any other step of a new run that never reached the store: no one else can hold a run the store never saw');
    await store.finish(undefined);
  });

  it('RUNBOOK_STORE is not in a step\'s environment', async (t) => {
    const dir = scratch(t);
    const file = join(dir, 't.jsonl');
    const fixture = fileURLToPath(new URL('fixtures/store-env.yaml', import.meta.url));
    const ran = cli(['run', fixture, '--plain', '--transcript', file], { env: { ...machineEnv(dir), RUNBOOK_STORE: lab.url('alice') } });
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stdout, /store=absent/);
    assert.ok(!fileLines(file).join('\n').includes('store-pw-1'), 'the password is nowhere in the transcript');
  });
});
