// Issue #18: `run.dry_run` lets a runbook branch on a dry run instead of guessing from a step's value. Real runs
// through the CLI, with and without --dry-run: a `next` branch, an `if`, a template and a called runbook all read it,
// and `runbook test` (dry_run: true in a case) sees the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';

const MAIN = `name: dry
title: Branches on a dry run
inputs:
  marker: { required: true }
steps:
  - id: plan
    vars: { mode: "run.dry_run ? 'plan' : 'act'" }
  - id: mark
    if: "!run.dry_run"
    destructive: false
    safe_because: writes only the test's own marker file
    shell: echo acted > \${{ inputs.marker }}
  - id: inner
    runbook: { name: child }
    on: { resolved: route }
  - id: route
    shell: echo routing
    next:
      - if: run.dry_run
        goto: planned
  - id: acted
    end: resolved
    message: "acted (mode \${{ vars.mode }}, child \${{ steps.inner.output }})"
  - id: planned
    end: escalate
    message: "planned only (mode \${{ vars.mode }}, child \${{ steps.inner.output }}, dry \${{ run.dry_run }})"
`;

const CHILD = `name: child
title: Called
steps:
  - id: say
    shell: echo child
    next:
      - if: run.dry_run
        goto: dry
  - id: real
    end: resolved
    message: child real
  - id: dry
    end: resolved
    message: child dry
`;

test('run.dry_run: a real run and a dry run of the same runbook take different branches, in a called runbook too', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-dry-expr-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'dry.yaml'), MAIN);
  writeFileSync(join(dir, 'child.yaml'), CHILD);
  const file = join(dir, 'dry.yaml');
  // Written only by 'mark', which its if: runs in a real run alone.
  const marker = join(dir, 'marker');

  const real = cli(['run', file, '--plain', '--no-transcript', '--input', `marker=${marker}`]);
  assert.equal(real.code, 0, real.stdout + real.stderr);
  assert.match(real.stdout, /finished resolved .*: acted \(mode act, child child real\)/);
  assert.match(real.stdout, /branch +route → acted/);
  assert.equal(readFileSync(marker, 'utf8'), 'acted\n', 'the step its if: allows in a real run ran');
  rmSync(marker);

  const dry = cli(['run', file, '--plain', '--dry-run', '--no-transcript', '--input', `marker=${marker}`]);
  assert.equal(dry.code, 1, dry.stdout + dry.stderr);
  assert.match(dry.stdout, /finished escalate .*: planned only \(mode plan, child child dry, dry true\)/);
  assert.match(dry.stdout, /branch +route → planned/);
  assert.match(dry.stdout, /skipped +mark/);
  assert.throws(() => readFileSync(marker), /ENOENT/, 'if: "!run.dry_run" kept the step from running');

  // runbook test sees the same: dry_run: true in a case.
  writeFileSync(join(dir, 'dry.cases.yaml'), `inputs: { marker: /nowhere }
cases:
  - { name: real, path: [plan, mark, inner, route, acted], outcome: resolved, message: mode act, steps: { inner/say: { stdout: x } } }
  - { name: dry, dry_run: true, path: [plan, mark, inner, route, planned], outcome: escalate, message: "mode plan, child child dry, dry true" }
`);
  const tested = cli(['test', file, '--no-require-full-coverage']);
  assert.equal(tested.code, 0, tested.stdout + tested.stderr);
  assert.match(tested.stdout, /2 cases: 2 passed, 0 failed/);
});
