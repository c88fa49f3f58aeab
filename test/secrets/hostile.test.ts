// A hostile review of #15 through the real CLI: one run that puts secrets everywhere the audit found or suspected
// a way out, and every record of it read back (screen, transcript, report in Markdown and JSON, replay).
// - a secret URL without a password (a webhook's token is in its path): title, command, output, header;
// - a secret wait step's output, in every poll's one-line summary;
// - a poll line and a for_each label cut short by the 120/200-character limits, the cut inside the secret;
// - a value holding a secret passed to a called runbook's input that is not marked secret there;
// - a probe's error that quotes a secret;
// - 70 KB of output (so the secret crosses the 64 KB chunks) with the secret in xxd, od and wrapped base64.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cli, scratch, transcriptLines, writeRunbook } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const dir = scratch({ after });
const TOKEN = 'HostileTok3n-0123456789';
const HOOK = 'https://hooks.example.com/services/T0/B0/HookTokenSECRETxyz';
const POLLED = 'Poll-SECRET-42';

/** The secret, any 8 characters of it, or 16 hex digits of it, in the text (whitespace and dump offsets aside). */
function pieces(text: string, secret: string): string[] {
  const flat = text.replace(/\s+/g, '');
  const digits = text.replace(/^[0-9a-f]{6,8}:? ?/gim, '').replace(/[^0-9a-fA-F]/g, '').toLowerCase();
  const hex = Buffer.from(secret).toString('hex');
  const found: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i++) if (flat.includes(secret.slice(i, i + 8))) found.push(secret.slice(i, i + 8));
  for (let i = 0; i + 16 <= hex.length; i += 2) if (digits.includes(hex.slice(i, i + 16))) found.push(hex.slice(i, i + 16));
  return found;
}

test('no secret, nor a piece of one, in anything a hostile run shows or records', { timeout: E2E_TEST_LIMIT_MS }, async () => {
  const child = writeRunbook(dir, 'child', `name: child
title: child
inputs:
  x: { description: not secret here }
steps:
  - id: show
    title: "got \${{ inputs.x }}"
    shell: 'echo "\${{ inputs.x }}"; echo "\${{ upper(inputs.x) }}"'
  - { id: done, end: resolved }
`);
  const rb = writeRunbook(dir, 'hostile', `name: hostile
title: hostile
inputs:
  hook: { secret: true, type: url }
  token: { secret: true }
steps:
  - id: post
    title: "post to \${{ inputs.hook }}"
    shell: 'echo "\${{ inputs.hook }}"'
  - id: poll
    secret: true
    wait: { shell: "printf 'status P%sll-S%sCRET-%s\\\\n' o E 42", until: "false", every: 1s, for: 2500ms }
    on: { error: long }
  - id: long
    destructive: false
    safe_because: prints
    wait:
      shell: |
        printf '%0100d%s-tail\\n' 0 "$(printf 'status P%sll-S%sCRET-%s' o E 42)"
      until: "false"
      every: 1s
      for: 1500ms
    on: { error: each }
  - id: each
    for_each: { in: "split('a,b', ',')", as: it, label: "${'x'.repeat(190)}\${{ inputs.token }}" }
    shell: "true"
  - id: call
    runbook: { name: ${JSON.stringify(child)}, inputs: { x: "id-\${{ inputs.token }}-end" } }
  - id: dns
    probe: dns
    with: { host: "\${{ inputs.token }}.invalid", timeout: 2s }
    on: { error: big }
  - id: big
    shell: |
      head -c 70000 /dev/zero | tr '\\0' 'a'; echo
      printf '%s' "\${{ inputs.token }}" | xxd
      printf 'x%s' "\${{ inputs.token }}" | base64 -w 12
      printf 'ab%s' "\${{ inputs.token }}" | od -tx1
      printf 'tok=%s\\n' "\${{ inputs.token }}"
  - { id: done, end: resolved }
`);
  const transcript = join(dir, 'hostile.jsonl');
  const r = await cli(['run', rb, '--plain', '--transcript', transcript, '-i', `hook=${HOOK}`, '-i', `token=${TOKEN}`], { timeoutMs: 100_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const report = await cli(['report', transcript]);
  const json = await cli(['report', transcript, '--format', 'json']);
  const replay = await cli(['replay', transcript, '--speed', '0']);
  const records = {
    screen: r.stdout + r.stderr, transcript: readFileSync(transcript, 'utf8'), report: report.stdout + report.stderr,
    'report --format json': json.stdout + json.stderr, replay: replay.stdout + replay.stderr,
  };
  for (const [where, text] of Object.entries(records)) {
    for (const secret of [TOKEN, HOOK, 'HookTokenSECRETxyz', POLLED]) assert.deepEqual(pieces(text, secret), [], `${where} shows ${secret}`);
  }
  const lines = transcriptLines(transcript);
  // What was shown instead: masks where the secrets were, the structure around them readable.
  const polled = lines.filter((l) => l.type === 'wait-polled') as unknown as { stepId: string; last: string }[];
  // At least one poll (a loaded machine may fit only one in the step's time), each the secret.
  const polls = polled.filter((p) => p.stepId === 'poll').map((p) => p.last);
  assert.ok(polls.length >= 1 && polls.every((l) => l === 'output: ****'), `a secret wait step: what each poll printed is the secret: ${polls.join(' | ')}`);
  // Masked before it is cut to 120 characters: the secret that stood across the cut is one mask, the line fits.
  // (This step is given no secret: it prints the one the secret step returned, found by value.)
  assert.equal(polled.find((p) => p.stepId === 'long')!.last, `output: ${'0'.repeat(100)}****-tail`);
  const loop = lines.find((l) => l.type === 'loop-started') as unknown as { items: { label: string }[] };
  // The label's value from the secret is the mask whole (shown by where it flowed), so the label fits uncut.
  assert.deepEqual(loop.items.map((i) => i.label), [`${'x'.repeat(190)}****`, `${'x'.repeat(190)}****`]);
  // The value passed to the called runbook is a secret there: the step given it streams nothing, and its
  // result says what it was given.
  assert.ok(!lines.some((l) => l.type === 'step-output' && l.stepId === 'call/show'), 'the called step given the secret streams nothing');
  const given = (id: string) => (lines.find((l) => l.type === 'step-finished' && l.stepId === id) as unknown as { result: { withheld?: { because: string[] } } } | undefined)?.result.withheld?.because;
  assert.deepEqual(given('call/show'), ['${{ inputs.x }}', '${{ upper(inputs.x) }}']);
  const header = lines[0] as unknown as { inputs: Record<string, unknown> };
  assert.deepEqual(header.inputs, { hook: '****', token: '****' });
  assert.match(r.stdout, /start {4}post \[shell\]: echo "\*\*\*\*"/);
  // A probe whose host a secret flowed into is given it (stop 78): its answer, which quotes the address, is withheld.
  assert.match(r.stdout, /start {4}dns \[probe\]: probe dns \*\*\*\*\.invalid/);
  assert.deepEqual(given('dns'), ['with.host']);
  // The output lines, joined: a finish line no longer repeats long output, and a chunk may end mid-line.
  assert.ok(!lines.some((l) => l.type === 'step-output' && l.stepId === 'big'), 'a step given the token streams nothing, whatever form it printed it in');
  assert.deepEqual(given('big'), ['${{ inputs.token }}']);
  assert.equal(report.code, 0, report.stderr);
  assert.equal(replay.code, 0, replay.stderr);
});
