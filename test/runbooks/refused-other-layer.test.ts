// The refused runbook's other-layer ending names the runbook for the login's class itself (issue #48): it used to
// say "run runbook diagnose", which for a reset sent the operator straight back to refused. The ending's table and
// diagnose's (src/diagnose/scenarios.ts) must agree for every classification that can reach it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { load } from 'js-yaml';
import { CLASSIFICATIONS } from '../../src/common/classification.js';
import { scenarioOf } from '../../src/diagnose/scenarios.js';
import { renderTemplate } from '../../src/engine/render.js';
import type { Scope } from '../../src/language/expression/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const doc = load(readFileSync(join(ROOT, 'runbooks', 'refused.yaml'), 'utf8')) as { steps: { id: string; message?: string; on?: Record<string, string> }[] };
const ending = doc.steps.find((s) => s.id === 'other-layer')!.message!;
// Classes the login step routes elsewhere never reach the ending.
const routed = new Set(Object.keys(doc.steps.find((s) => s.id === 'verify')!.on ?? {}).filter((k) => k !== 'error'));

test('other-layer names the runbook diagnose would name, for every classification that reaches it', () => {
  for (const c of CLASSIFICATIONS.filter((x) => !routed.has(x))) {
    const said = renderTemplate(ending, { steps: { verify: { classification: c, error: 'the error' } } } as unknown as Scope);
    const runbook = scenarioOf(c).runbook;
    if (c === 'connection-lost') assert.match(said, /read the database log/, c);
    else if (runbook === null || runbook === 'refused') assert.match(said, /runbook diagnose/, c);
    else assert.match(said, new RegExp(`runbook run ${runbook}'`), `${c}: ${said}`);
    if (c === 'connection-lost') assert.doesNotMatch(said, /runbook diagnose/, 'a reset is not sent back to diagnose');
  }
});
