// A pod or container deleted and created again under the same name mid-run (issue #30): docker steps exec by the
// container ID identification recorded, and a pod's UID is read again before every later step, so the new one
// receives no later step. Through the stand-in clients (standin.ts): exact argument vectors, no real runtime.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, finished, scratch, transcriptLines, until, writeRunbook } from '../hardening/helpers.js';
import { branch, runbook, standIn } from './standin.js';

const TARGET = { kubectl: '{ kubectl: { context: prod-ctx, namespace: db, pod: "${{ inputs.pod }}", container: pg } }', docker: '{ docker: { container: postgres } }' } as const;

describe('kubectl and docker targets recreated mid-run', { concurrency: true }, () => {
  // A pod or container deleted and created again under the same name while the run waits between two steps.
  for (const kind of ['kubectl', 'docker'] as const) {
    it(`${kind}: ${kind === 'kubectl' ? 'a pod' : 'a container'} recreated under the same name mid-run does not receive the later steps`, async (t) => {
      const dir = scratch(t);
      const identity = join(dir, 'identity');
      writeFileSync(identity, kind === 'kubectl' ? 'uid-1' : 'c0ffee');
      const fake = standIn(dir, kind, kind === 'kubectl' ? { FAKE_UID_FILE: identity } : { FAKE_ID_FILE: identity });
      const out = join(dir, 'out');
      const steps = `  - id: one
    destructive: false
    safe_because: writes only the test's own marker file
    target: db_host
    shell: "echo one >> ${out}"
  - id: pause
    destructive: false
    safe_because: reads only the test's own file
    shell: "while [ ! -f ${join(dir, 'go')} ]; do sleep 0.05; done"
  - id: remote
    destructive: false
    safe_because: writes only the test's own marker file
    target: db_host
    shell: "echo two >> ${out}"
    on: { error: branch }
  - id: done
    end: resolved
`;
      const transcript = join(dir, 't.jsonl');
      const run = cli(['run', writeRunbook(dir, 'remote', runbook(TARGET[kind], steps, branch)), '--plain', '--transcript', transcript], { env: fake.env });
      await until(() => { try { return readFileSync(out, 'utf8').includes('one'); } catch { return false; } }, 60_000, 'the first step');
      writeFileSync(identity, kind === 'kubectl' ? 'uid-2' : 'decaf'); // deleted and created again: a new UID / ID
      writeFileSync(join(dir, 'go'), '');
      const r = await run;
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.equal(readFileSync(out, 'utf8'), 'one\n', 'the later step did not run in the new one');
      const message = finished(transcriptLines(transcript))!.message!;
      const execs = fake.calls().filter((c) => c.includes('exec'));
      if (kind === 'kubectl') {
        assert.equal(message, "target-unreachable: pod db/postgres-0 is no longer the one this run identified (uid uid-1; now uid-2): it was recreated. Nothing was sent to it");
        assert.equal(execs.length, 1, 'no exec after the UID changed');
      } else {
        assert.match(message, /^target-unreachable: .*No such container: c0ffee/);
        assert.deepEqual(execs.map((c) => c[4]), ['c0ffee', 'c0ffee'], 'every exec by the ID recorded, never by the name');
      }
    });
  }

});
