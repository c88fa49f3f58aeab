// The host checks of `refused` (its service check walks /proc, its listener check reads ss) and `db-host` (the
// same, for a given port), against the same fault with real database servers running on this host. Issue #35
// made the dry run reach the real run's ending by running them in the sandbox; since #44 they are outside the
// proven subset (loops, variables, substitutions), vouched for with safe_because, and a dry run shows them
// instead of running them: the real run finds the facts, the dry run says which checks it did not run and why.
// (The sandbox's own view of the host is tested in test/executors/sandbox-host-view.test.ts; rewriting these
// checks into the subset, or as probes, would give the dry run its findings back.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { injectFault, startServer, type LabEngine, type LabServer } from '../../src/lab/index.js';
import { readEvents, runCli, type TranscriptEvent } from '../runbooks/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-dry-endings-'));
let servers: Record<LabEngine, LabServer>;
before(async () => {
  const [postgres, mariadb] = await Promise.all([startServer('postgres'), startServer('mariadb')]);
  servers = { postgres, mariadb };
});
after(async () => { await Promise.all(Object.values(servers ?? {}).map((s) => s.stop())); rmSync(dir, { recursive: true, force: true }); });

interface Ending { path: string[]; asked: string[]; found: Record<string, string[]>; end: { outcome?: unknown; stepId?: unknown }; dryRun: string[] }

/** What a run did and found: the steps it started, where it stopped, the `key=value` facts of its host checks. */
async function runOf(name: string, inputs: Record<string, string>, dry: boolean, checks: string[], answers?: string): Promise<Ending> {
  const transcript = join(dir, `${name}-${dry ? 'dry' : 'real'}-${Math.random().toString(36).slice(2)}.jsonl`);
  const args = ['run', name, '--plain', '--transcript', transcript, ...(dry ? ['--dry-run'] : []),
    ...Object.entries(inputs).flatMap(([k, v]) => ['--input', `${k}=${v}`])];
  const r = await runCli(args, answers === undefined ? {} : { input: answers });
  const events = readEvents(transcript);
  const started = events.filter((e) => e.type === 'step-started');
  const finished = (id: string) => events.find((e) => e.type === 'step-finished' && e.stepId === id) as TranscriptEvent & { result?: { stdout?: string } } | undefined;
  const end = events.find((e) => e.type === 'run-finished');
  assert.ok(end, `${name}${dry ? ' --dry-run' : ''} did not finish: ${r.stdout}${r.stderr}`);
  return {
    path: started.map((e) => e.stepId!),
    asked: events.filter((e) => e.type === 'question-asked').map((e) => (e as { question?: { stepId?: string } }).question?.stepId ?? ''),
    found: Object.fromEntries(checks.map((id) => [id, (finished(id)?.result?.stdout ?? '').split('\n').filter((l) => /^(state|listen|platform)=/.test(l))])),
    end: { outcome: end.outcome, stepId: end.stepId }, // the ending step: run-finished names it stepId
    dryRun: started.map((e) => `${e.stepId}:${String(e.dryRun)}`),
  };
}

async function compare(name: string, inputs: Record<string, string>, checks: string[], expect: (e: Ending) => void, answers?: string): Promise<void> {
  const [real, dry] = await Promise.all([runOf(name, inputs, false, checks, answers), runOf(name, inputs, true, checks, answers)]);
  expect(real);
  // Shown, not run, because vouched for: recorded so, with no output of theirs.
  for (const id of checks) {
    assert.ok(dry.dryRun.includes(`${id}:shown`), `${id} is shown in the dry run: ${dry.dryRun.join(' ')}`);
    assert.deepEqual(dry.found[id], [], `${id} found nothing in the dry run: it did not run`);
  }
  assert.ok(dry.end.outcome, `${name}: the dry run ends`);
}

describe('host checks outside the proven subset: found by the real run, shown by the dry run', { concurrency: true }, () => {
  for (const engine of ['postgres', 'mariadb'] as const) {
    test(`refused (${engine}): nothing on the URL's port while database servers run here`, async () => {
      const fault = await injectFault('refused', engine);
      try {
        await compare('refused', { url: fault.url }, ['service-status', 'sockets'], (real) => {
          assert.ok(real.found['service-status']!.includes('state=running'), `the real run finds the database processes: ${JSON.stringify(real.found)}`);
          assert.ok(real.found.sockets!.includes('listen=none'), JSON.stringify(real.found));
        // Where this test runs in a container, the loopback URL is questioned first: the database runs here.
        }, 'database-runs-here\n');
      } finally {
        await fault.cleanup();
      }
    });

    test(`db-host (${engine}): the running server's process and its loopback listener`, async () => {
      await compare('db-host', { port: String(servers[engine].port) }, ['service', 'listeners'], (real) => {
        assert.deepEqual(real.found, { service: ['state=running'], listeners: ['listen=loopback'] });
      });
    });
  }
});
