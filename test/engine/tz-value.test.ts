// A proven read's TZ is a zone's name or a POSIX rule, never a path (a probe of stop 66: `env: { TZ: "${{
// inputs.tz }}" }` with /proc/kmsg made glibc open and read the kernel's messages for `date`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prepareShell } from '../../src/engine/prepare.js';
import type { RunbookDoc } from '../../src/language/schema.js';

const DOC = { name: 't', title: 't', steps: [] } as unknown as RunbookDoc;
const prepared = (tz: string, unconfirmed = true) => prepareShell(DOC, { run: 'date', env: { TZ: '${{ inputs.tz }}' } }, { inputs: { tz }, steps: {} }, undefined, unconfirmed);

test('TZ: a zone name or a POSIX rule is proven; a path is not, in a read; a confirmed step may set it', () => {
  for (const tz of ['UTC', 'America/New_York', 'Etc/GMT+3', 'EST5EDT', 'UTC0', '<+03>-3']) assert.doesNotThrow(() => prepared(tz), tz);
  for (const tz of ['/proc/kmsg', ':/proc/kmsg', '../../../proc/kmsg', '/etc/localtime', 'America/../../../proc/kmsg']) {
    assert.throws(() => prepared(tz), /not a time zone's name/, tz);
  }
  assert.doesNotThrow(() => prepared('/etc/localtime', false), 'a confirmed step is the operator\'s to judge');
});
