// "Resolved" is what the application's own connection does at the end of the run (engine/application-check.ts).
// A probe of stop 80: the built-in `refused` against a database that came back for a moment logged in once, in the
// healed moment, and ended `resolved`, exit 0, while the application's URL was refused right after. Here the fault
// comes back after the runbook's own login (`verify`) passed, at a time and in a pattern drawn with seed 80 (it stays
// down, or flaps: down at least a second and a half, up a moment, down again), on the path the application uses: a
// loopback proxy whose listener goes away (the database's port closing), alone or behind a real HAProxy. Every
// such run must end `escalate` naming the failed login; the application's own client (psql, same URL) is the oracle
// that the fault was real. A steady path ends `resolved`, saying what was checked at the end.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startHaproxy, startServer, type LabProxy, type LabServer } from '../../src/lab/index.js';
import { startSwitchProxy, type SwitchProxy } from '../../src/lab/switch-proxy.js';
import { CLI_KILL_MS } from '../helpers/limits.js';
import { rng } from '../helpers/rng.js';
import { readEvents, type TranscriptEvent } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'runbook-resolved-at-end-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Trial { name: string; delayMs: number; flap?: { downMs: number; upMs: number }; haproxy: boolean }

/** Seed 80: when the fault comes back after `verify` (within 2 s: inside the 5 s the end's check holds, with room
 *  for the lag of the run's output under load), and how. */
function trials(): Trial[] {
  const r = rng(80);
  const ms = (lo: number, hi: number) => Math.round(lo + r() * (hi - lo));
  return Array.from({ length: 5 }, (_, i) => {
    const flaps = r() < 0.5;
    return {
      name: `fault ${i + 1}`, delayMs: ms(0, 2000), haproxy: i === 4,
      ...(flaps ? { flap: { downMs: ms(1500, 3000), upMs: ms(200, 1200) } } : {}),
    };
  });
}

interface Ran { code: number | null; stdout: string; events: TranscriptEvent[]; appFailed: boolean }

/** The CLI run; once its `verify` is ok, the fault comes back as drawn and keeps its pattern until the run ends. */
async function runRefused(url: string, proxy: SwitchProxy, trial: Trial | undefined, file: string): Promise<Ran> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'runbook.js'), 'run', 'refused', '--plain', '--transcript', file, '--input', `url=${url}`], {
    cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let ended = false;
  let appFailed = false;
  let fault: Promise<void> | undefined;
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    if (!trial || fault || !/^ok +verify /m.test(stdout)) return;
    fault = (async () => {
      await sleep(trial.delayMs);
      // The first return is made even when the run has already ended: the application meets it all the same.
      do {
        await proxy.set('refuse');
        if (!appFailed) appFailed = !(await appConnects(url));
        if (!trial.flap) break;
        await sleep(trial.flap.downMs);
        if (ended) break;
        await proxy.set('forward');
        await sleep(trial.flap.upMs);
      } while (!ended);
    })();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), CLI_KILL_MS); // a hang guard only
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  ended = true;
  await fault;
  return { code, stdout, events: readEvents(file), appFailed };
}

/** The application's own client, psql, with the same URL. */
async function appConnects(url: string): Promise<boolean> {
  return promisify(execFile)('psql', [url, '-Atc', 'SELECT 1'], { env: { ...process.env, PGCONNECT_TIMEOUT: '3' } }).then(() => true, () => false);
}

describe('refused: resolved only if the application\'s URL keeps working at the end (seed 80)', () => {
  let server: LabServer;
  const proxies: SwitchProxy[] = [];
  const haproxies: LabProxy[] = [];
  const ran = new Map<string, Ran>();
  const drawn = trials();

  before(async () => {
    server = await startServer('postgres');
    const runs = [undefined, ...drawn].map(async (trial, i) => {
      const proxy = await startSwitchProxy({ host: server.host, port: server.port });
      proxies.push(proxy);
      let port = proxy.port;
      if (trial?.haproxy) {
        const h = await startHaproxy({ backendPort: proxy.port, connectTimeoutMs: 300 });
        haproxies.push(h);
        port = h.port;
      }
      ran.set(trial?.name ?? 'steady', await runRefused(server.url({ port }), proxy, trial, join(dir, `run-${i}.jsonl`)));
    });
    await Promise.all(runs);
  });
  after(async () => {
    await Promise.all([...haproxies.map((h) => h.stop()), ...proxies.map((p) => p.close())]);
    await server?.stop();
  });

  it('a steady path ends resolved, saying the application\'s URL was checked at the end', () => {
    const r = ran.get('steady')!;
    const end = r.events.find((e) => e.type === 'run-finished') as { outcome?: string; message?: string } | undefined;
    assert.equal(end?.outcome, 'resolved', r.stdout);
    assert.equal(r.code, 0);
    assert.match(String(end?.message), /Checked at the end: the application's URL logged in \d+ times in [\d.]+ s, each ok\./);
  });

  for (const trial of drawn) {
    it(`${trial.name}: back ${trial.delayMs} ms after verify, ${trial.flap ? `flapping ${trial.flap.downMs}/${trial.flap.upMs} ms` : 'for good'}${trial.haproxy ? ', behind HAProxy' : ''}: escalate`, () => {
      const r = ran.get(trial.name)!;
      const verify = r.events.find((e) => e.type === 'step-finished' && e.stepId === 'verify') as { result?: { status?: string } } | undefined;
      assert.equal(verify?.result?.status, 'ok', r.stdout);
      const end = r.events.find((e) => e.type === 'run-finished') as { outcome?: string; message?: string } | undefined;
      assert.equal(end?.outcome, 'escalate', `${end?.message}\n${r.stdout}`);
      assert.notEqual(r.code, 0);
      assert.match(String(end?.message), /the application's URL, checked at the end, failed on login \d+/);
      assert.ok(r.appFailed, 'the application\'s own client met the fault');
    });
  }
});
