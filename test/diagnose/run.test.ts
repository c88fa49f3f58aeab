// `diagnose --run` hands the URL to the runbook it names, through the same path as `runbook run`.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { injectFault } from '../../src/lab/index.js';
import { readEvents, runCli } from '../runbooks/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-diagnose-run-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('diagnose --run', () => {
  it('starts pool-exhausted with the URL; as the app user it asks for an admin URL (stdin closed: stops)', async () => {
    const fault = await injectFault('too-many-connections', 'postgres');
    try {
      const transcript = join(dir, 'run.jsonl');
      const r = await runCli(['diagnose', fault.url, '--run', '--plain', '--transcript', transcript]);
      assert.match(r.stdout, /Finding: {2}pool-exhausted \(too-many-connections\)/);
      assert.match(r.stdout, /Starting runbook 'pool-exhausted'/);
      assert.notEqual(r.code, 0);
      const events = readEvents(transcript);
      const connect = events.find((e) => e.type === 'step-finished' && e.stepId === 'connect') as unknown as { result: { classification: string } };
      assert.equal(connect.result.classification, 'too-many-connections');
      assert.ok(events.some((e) => e.type === 'question-asked'), 'the admin-url prompt was asked');
      for (const form of [fault.server!.appPassword, encodeURIComponent(fault.server!.appPassword)]) {
        assert.ok(!r.stdout.includes(form) && !JSON.stringify(events).includes(form), 'no password anywhere');
      }
    } finally {
      await fault.cleanup();
    }
  });
});
