// host-blocked end to end, for real (#31): a MariaDB that resolves client names (a private hosts file) blocks the
// application host (127.0.0.2, through the lab's relay) after max_connect_errors connections broken off before
// logging in. The driver gets 1129; `diagnose --json` names host-blocked and the auth runbook; `runbook run auth`
// with the administrator's URL reaches the unblock advice, runs the gated FLUSH HOSTS, and ends resolved because
// the application's own login works again.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { startAppHostRelay, type AppHostRelay } from '../../src/lab/app-host.js';
import { injectFault, startMariadb, type InjectedFault, type LabServer } from '../../src/lab/index.js';
import { APP_HOST } from '../../src/lab/types.js';
import { mariadbSettled, myConnectError, myQuery } from '../lab/helpers.js';
import { readEvents, runCli } from '../runbooks/helpers.js';
import { runCliWithAnswers } from '../runbooks/answers.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-host-blocked-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const questionFor = (events: ReturnType<typeof readEvents>, id: string): string =>
  (events.find((e) => e.type === 'question-asked' && (e as { question?: { stepId?: string } }).question?.stepId === id) as
    { question?: { action?: { instructions?: string } } } | undefined)?.question?.action?.instructions ?? '';

// The server resolves names from a private hosts file (a mount namespace): root only.
const skip = process.getuid?.() === 0 ? false : 'nameResolve needs root (a mount namespace)';

describe('host-blocked on MariaDB', { skip }, () => {
  let fault: InjectedFault;
  before(async () => { fault = await injectFault('host-blocked', 'mariadb'); });
  after(() => fault?.cleanup());

  it('the lab: the application host gets 1129 for real; the administrator from the database host does not', async () => {
    const err = await myConnectError(fault.url);
    assert.equal(err.errno, 1129);
    assert.equal(err.code, 'ER_HOST_IS_BLOCKED');
    assert.equal(err.message, `Host '${APP_HOST.address}' is blocked because of many connection errors; unblock with 'mariadb-admin flush-hosts'`);
    const [row] = await myQuery(fault.server!.adminUrl(), 'SELECT @@skip_name_resolve AS skip, @@max_connect_errors AS max');
    assert.deepEqual(row, { skip: 0, max: 3 });
  });

  it('`diagnose --json` names host-blocked and the auth runbook', async () => {
    const r = await runCli(['diagnose', fault.url, '--json', '--timeout', '30s']); // must not fire (#20)
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { classification: string; scenario: string; runbook: string; checks: { layer: string; status: string; summary: string }[] };
    assert.deepEqual([out.classification, out.scenario, out.runbook], ['host-blocked', 'host-blocked', 'auth']);
    const failed = out.checks.find((c) => c.status === 'failed');
    assert.equal(failed?.layer, 'connect');
    assert.match(failed?.summary ?? '', /^host-blocked: .*is blocked because of many connection errors/);
    assert.ok(!r.stdout.includes(fault.server!.appPassword), 'no password');
  });

  it('`runbook run auth` reaches the unblock advice, flushes the hosts (gated) and ends resolved: the app logs in again', async () => {
    const transcript = join(dir, 'auth.jsonl');
    const r = await runCliWithAnswers(['run', 'auth', '--plain', '--yes', '--transcript', transcript,
      '--input', `url=${fault.url}`, '--input', `admin_url=${fault.server!.adminUrl()}`], ['flush-hosts']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const events = readEvents(transcript);
    const started = events.filter((e) => e.type === 'step-started').map((e) => e.stepId);
    assert.deepEqual(started, ['parse', 'login', 'host-blocked', 'unblock-host', 'flush-hosts', 'retry-login', 'dry-run-check']);
    const login = events.find((e) => e.type === 'step-finished' && e.stepId === 'login') as { result?: { classification?: string } } | undefined;
    assert.equal(login?.result?.classification, 'host-blocked');
    const advice = questionFor(events, 'unblock-host');
    assert.match(advice, /max_connect_errors is \*\*3\*\*/);
    assert.match(advice, /FLUSH HOSTS/);
    assert.ok(events.some((e) => e.type === 'confirmation-answered' && e.stepId === 'flush-hosts'), 'FLUSH HOSTS passed its gate');
    const retry = events.find((e) => e.type === 'step-finished' && e.stepId === 'retry-login') as { result?: { status?: string } } | undefined;
    assert.equal(retry?.result?.status, 'ok');
    assert.equal(events.find((e) => e.type === 'run-finished')?.outcome, 'resolved');
    // Not the runbook's word for it: the application's own login, from its host, works now.
    const [who] = await myQuery(fault.url, 'SELECT user() AS who');
    assert.equal(who?.['who'], `${fault.server!.appUser}@${APP_HOST.name}`);
  });
});

// A diagnose must not add connection errors of its own. For a MySQL URL over TCP its tcp and tls layers are read
// off the login's own connection (src/diagnose/login-layers.ts); before, each opened a connection that ended before
// a login, MariaDB counted both against the client's host, and at max_connect_errors 2 a diagnose of a working URL
// blocked the host before its own login. A failing login never resets the count: diagnoses of a wrong password
// added 2 a run and blocked the host on the first.
describe('diagnose of MySQL URLs and the host cache (max_connect_errors 2)', { skip }, () => {
  let server: LabServer;
  let relay: AppHostRelay;
  before(async () => {
    server = await startMariadb({ nameResolve: true, maxConnectErrors: 2, tls: 'on' });
    relay = await startAppHostRelay(server);
  });
  after(async () => { await relay?.close(); await server?.stop(); });

  it('a working URL does not block the application host itself (its certificate read by a TLS login after the plain one)', async () => {
    const d = await diagnose({ url: server.url({ port: relay.port }), from: 'test' }, { timeoutMs: 30_000 });
    assert.equal(d.classification, 'ok', JSON.stringify(d.checks.filter((c) => c.status === 'failed')));
    assert.match(d.checks.find((c) => c.layer === 'tls')?.summary ?? '', /certificate .*\[read off a TLS login after the plain one\]/);
  });

  it('three diagnoses of a wrong password, plain and over TLS, stay auth; then the application logs in from its host', async () => {
    for (const params of [{}, { sslmode: 'require' }, {}] as Record<string, string>[]) {
      const d = await diagnose({ url: server.url({ port: relay.port, password: 'wrong', params }), from: 'test' }, { timeoutMs: 30_000 });
      assert.equal(d.classification, 'auth', JSON.stringify(d.checks.filter((c) => c.status === 'failed')));
    }
    await mariadbSettled(server.adminUrl()); // every break diagnose might have made is counted by now
    const [who] = await myQuery(server.url({ port: relay.port }), 'SELECT user() AS who');
    assert.equal(who?.['who'], `${server.appUser}@${APP_HOST.name}`);
  });
});
