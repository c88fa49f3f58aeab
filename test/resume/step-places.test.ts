// The client files a run records include those the steps of the runbooks it calls point at (resume/step-places.ts):
// a called runbook's step with `env: { PGSERVICEFILE: … }` from the call's inputs, two calls deep, moved a resumed
// write as surely as the caller's own step would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunbook } from '../../src/language/runbook.js';
import { stepPlaces } from '../../src/resume/step-places.js';
import { clientFilesOf } from '../../src/resume/client-files.js';

function files(t: { after(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'step-places-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'outer.yaml'), `name: outer
title: Calls middle
inputs:
  svc: { required: true }
steps:
  - id: call-middle
    runbook: { name: middle, inputs: { file: "\${{ inputs.svc }}" } }
`);
  writeFileSync(join(dir, 'middle.yaml'), `name: middle
title: Calls inner
inputs:
  file: { required: true }
steps:
  - id: call-inner
    runbook: { name: inner, inputs: { svc_file: "\${{ inputs.file }}" } }
`);
  writeFileSync(join(dir, 'inner.yaml'), `name: inner
title: Writes through a service file
inputs:
  svc_file: { required: true }
  sub: { default: work }
steps:
  - id: write
    destructive: true
    shell:
      run: psql "service=app" -c "INSERT INTO marks VALUES (1)"
      env: { PGSERVICEFILE: "\${{ inputs.svc_file }}" }
      cwd: "\${{ inputs.sub }}"
`);
  return dir;
}

test('a called runbook\'s step env: and cwd:, filled in from the call\'s inputs two calls deep, are places the run records', (t) => {
  const dir = files(t);
  const svc = join(dir, 'svc.conf');
  writeFileSync(svc, '[app]\nport=1\n');
  const { runbook } = readRunbook(join(dir, 'outer.yaml'));
  assert.ok(runbook);
  const places = stepPlaces(runbook.doc, { svc }, { HOME: dir }, dir, runbook.file);
  assert.deepEqual(places, [{ env: { HOME: dir, PGSERVICEFILE: svc }, cwd: join(dir, 'work') }]);
  const recorded = clientFilesOf({ HOME: dir }, dir, runbook.file, places).map((f) => f.path);
  assert.ok(recorded.includes(svc), `recorded: ${recorded.join(', ')}`);
});

test('a call\'s input named like an Object property is only a name', (t) => {
  const dir = files(t);
  writeFileSync(join(dir, 'outer.yaml'), `name: outer
title: Calls inner with no svc_file
steps:
  - id: call-inner
    runbook: { name: inner, inputs: { svc_file: x } }
`);
  writeFileSync(join(dir, 'inner.yaml'), `name: inner
title: Reads constructor
inputs:
  constructor: { default: here }
  svc_file: { required: true }
steps:
  - id: write
    destructive: true
    shell:
      run: "true"
      cwd: "\${{ inputs.constructor }}"
`);
  const { runbook } = readRunbook(join(dir, 'outer.yaml'));
  assert.ok(runbook);
  assert.deepEqual(stepPlaces(runbook.doc, {}, {}, dir, runbook.file), [{ env: {}, cwd: join(dir, 'here') }]);
});
