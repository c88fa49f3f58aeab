// Hostile data on the terminal UI (#13): output, SQL cells and column names, titles templated from inputs,
// the gate's command, a prompt's message and its typed answer, error messages and the final message carry
// CSI, OSC (OSC 52 clipboard writes), DCS/APC, 8-bit C1 and bidi overrides. No frame may carry any of them
// raw; each is shown as a visible symbol. ink's own styling is SGR only (ESC [ … m): with SGR removed, an
// ESC, C1 or bidi character left in a frame came from the data.
import './ci-off.js';
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../src/ui/ink/App.js';
import { createViewStore } from '../../src/ui/view-store.js';
import { ask, ends, sleep, testRun, typeUntil, waitFor } from './helpers.js';
import type { ExecContext } from '../../src/executors/types.js';

afterEach(() => cleanup());

export const PAYLOAD = '\x1b[2J\x1b[H·\x1b]52;c;UEFZTE9BRA==\x07·\x1b]0;pwned\x1b\\·\u009b2J·\u009d52;c;eA==\x07·\u202eevil\u202c·\u2066iso\u2069·\x1bP1$q\x1b\\·\x1b_apc\x1b\\·\r\b';
/** What may not survive into anything shown: C0 but tab and newline, DEL, C1, bidi overrides and isolates. */
export const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
const INK_STYLE = /\x1b\[[0-9;]*m/g;

const RUNBOOK = `
name: escapes
title: "Escapes \\e]0;runbook title\\a"
inputs:
  label: { required: true }
connections:
  db: { url: 'postgres://u@h/d' }
steps:
  - id: out
    title: "Output for \${{ inputs.label }}"
    description: "Why: \\u202eevil"
    shell: echo hi
  - id: cells
    title: Cells
    sql: { query: 'select 1' }
  - id: ask
    prompt: { message: "Say something about \${{ inputs.label }}" }
  - id: wipe
    title: "Wipe \${{ inputs.label }}"
    destructive: true
    shell: echo \${{ inputs.label }}
  - id: broken
    shell: "false"
    on: { error: done }
  - id: done
    end: resolved
    message: "Done \${{ inputs.label }} \${{ steps.ask.value }}"
`;

test('ink: no frame carries a raw escape, C1 or bidi character from the data; each is shown visibly', async () => {
  const t = testRun(RUNBOOK, {
    out: async (_a: unknown, ctx: ExecContext) => { ctx.onOutput('stdout', `${PAYLOAD}\n`); ctx.onOutput('stderr', `err ${PAYLOAD}\n`); return {}; },
    cells: { columns: [`col${PAYLOAD}`], rows: [{ [`col${PAYLOAD}`]: `cell${PAYLOAD}` }], rowCount: 1 },
    ask,
    broken: { status: 'failed', exitCode: 3, error: `exit code 3: ${PAYLOAD}` },
  }, { inputs: { label: PAYLOAD } });
  const store = createViewStore(t.run, t.runbook.doc);
  const app = render(<App run={t.run} store={store} gateArmMs={0} transcriptPath={`/tmp/t\x1b]52;c;eA==\x07.jsonl`} />);
  const finished = t.run.start();
  const seen = () => app.frames.join('\n');
  await waitFor(() => app.lastFrame()?.includes('Say something about'), 'the prompt');
  await sleep(10);
  // Typed or pasted: control keys do nothing, a bidi override or C1 character is shown, not hidden.
  await typeUntil(app.stdin, 'ans\u202eX\u009b', () => app.lastFrame()?.includes('ans<U+202E>X<U+009B>') === true,
    () => app.lastFrame()?.includes('ans<U+202E>') === true, 'the typed answer, shown visibly');
  app.stdin.write('\r');
  await waitFor(() => app.lastFrame()?.includes('CONFIRM'), 'the gate');
  await sleep(10);
  app.stdin.write('y');
  assert.equal((await ends(finished)).outcome, 'resolved');
  await waitFor(() => app.lastFrame()?.includes('RESOLVED'), 'the final frame');

  const frames = seen();
  const left = frames.replace(INK_STYLE, '');
  const raw = left.match(RAW);
  assert.equal(raw, null, `a raw ${JSON.stringify(raw?.[0])} reached a frame near ${JSON.stringify(left.slice(Math.max(0, (raw?.index ?? 0) - 40), (raw?.index ?? 0) + 40))}`);
  for (const shown of ['␛]52;c;UEFZTE9BRA==␇', '<U+009B>2J', '<U+202E>evil', '␛P1$q', '␛_apc']) {
    assert.ok(frames.includes(shown), `${shown} is shown`);
  }
  // The run itself keeps raw values: the answer reached the engine as typed (bar the dropped control keys).
  const answered = t.events.find((e) => e.type === 'question-answered');
  assert.equal(answered?.type === 'question-answered' && answered.answer, 'ans\u202eX\u009b');
});
