// A probe of stop 70: a command's SGR sequence (`true \e[m#; rm -rf D`), a zero-width joiner (`true \u200d#; …`),
// a space after a trailing backslash and a CRLF were drawn as nothing, a comment or a line continuation by the
// screens other than the live gate — `runbook approve`'s lines before its y/N, replay, follow, the report, --plain
// and the running-step panel — where bash runs the rest. Every screen now draws a command as the gate does
// (visible-text.ts exactLine): every character outside printable ASCII named. Generated commands, fixed seed: in
// each screen's text of the command, nothing outside printable ASCII is left but the engine's own marks, and each
// hidden character inserted is named there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PlainFormatter } from '../../src/ui/plain/plain-format.js';
import { paint } from '../../src/ui/plain/paint.js';
import { renderLine } from '../../src/transcript/replay/render.js';
import { commandLine } from '../../src/ui/format.js';
import { wrapVisible } from '../../src/ui/visible-text.js';
import { currentPart } from '../../src/ui/frame/current.js';
import { rng } from '../helpers/rng.js';
import type { TranscriptLine } from '../../src/events/schema.js';
import type { RunEvent, RunEventListener } from '../../src/engine/events.js';
import { createViewStore, OUTPUT_BATCH_MS } from '../../src/ui/view-store.js';

const HIDDEN = ['\x1b[m', '\x1b[0m', '\x1b]0;x\x07', '\u200d', '\u200c', '\u200b', '\u2060', '\ufeff', '\r', '\u2028', '\u034f', '\u202e', '\u00a0'];
const MARKS = /[‹›↪·⇥×…⚠●✓✗⤼↳→—“”]/gu;
const onlyAsciiAndMarks = (text: string) => text.replace(MARKS, '').replace(/[\x20-\x7e\n]/g, '') === '';
const named = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

function commands(n: number): { command: string; hidden: string }[] {
  const random = rng(70);
  return Array.from({ length: n }, () => {
    const hidden = HIDDEN[Math.floor(random() * HIDDEN.length)]!;
    const act = ['rm -rf /tmp/x', 'touch /tmp/y', 'kill 1'][Math.floor(random() * 3)]!;
    return { command: `ls /tmp\ntrue ${hidden}#; ${act}\necho listing only \\ \n  ${act}`, hidden };
  });
}

test('every screen draws a command with its hidden characters named (500 generated)', () => {
  for (const { command, hidden } of commands(500)) {
    const single = command.split('\n')[1]!;
    const plain = new PlainFormatter(paint(false));
    const screens: Record<string, string> = {
      'plain gate': plain.format({ type: 'confirmation-requested', stepId: 'act', title: 'Act', command, question: 'Run?', risk: 'normal', resumed: false }).join('\n'),
      // One line of the command (the start line and a dry run's plan show the first): the hidden one.
      'plain start': plain.format({ type: 'step-started', stepId: 'act', title: 'Act', kind: 'shell', attempt: 1, command: single, destructive: true } as never).join('\n'),
      'replay gate': renderLine({ type: 'confirmation-requested', ts: '2026-11-27T00:00:00.000Z', stepId: 'act', title: 'Act', command, question: 'Run?', risk: 'normal' } as unknown as TranscriptLine).join('\n'),
      'one line': commandLine(single),
      'gate rows': wrapVisible(command, 80, true, true).map((r) => r.text).join('\n'),
      'running step': currentPart({ id: 'act', title: 'Act', command, state: 'running', visits: 1 } as never, undefined, 120, 'full').rows(20).map((r) => r.map((s) => s.text).join('')).join('\n'),
    };
    for (const [screen, text] of Object.entries(screens)) {
      const body = text.replace(/^.*?(true)/s, '$1'); // the command's own lines onward
      assert.ok(onlyAsciiAndMarks(body), `${screen}: ${JSON.stringify(body)}`);
      assert.ok(body.includes(named(hidden)), `${screen} hides ${named(hidden)}: ${JSON.stringify(body)}`);
    }
    // The space after a trailing backslash is drawn (bash escapes it, and the next line is a command of its own).
    assert.match(screens['gate rows']!, /listing only \\·/);
  }
});

test('a CR before a newline in a command is named, not drawn as the line break', () => {
  const rows = wrapVisible('echo would remove, not removing: \\\r\n  rm -rf /tmp/victim', 80, true, true).map((r) => r.text);
  assert.deepEqual(rows, ['echo would remove, not removing: \\‹U+000D›', '··rm -rf /tmp/victim'.replace('··', '  ')]);
});

// Round 3 of the probe: beside the command, approve, follow, replay and the report showed a gate's env values,
// `in dir`, target and for_each items (and replay the inputs) through the terminal-safe text: `…/st\e[maging` (a
// link to prod) read `…/staging`, and `stаging` (Cyrillic а) looked like staging; the approver's y ran it in prod.
test('beside the command, every screen names the hidden characters of env, directory, target, items and inputs', () => {
  const random = rng(71);
  for (let n = 0; n < 300; n++) {
    const hidden = [...HIDDEN, '\u0430'][Math.floor(random() * (HIDDEN.length + 1))]!;
    const odd = `st${hidden}ging`;
    const gate = { type: 'confirmation-requested', stepId: 'clean', title: 'Clean', command: 'rm -f victim', question: 'Run?', risk: 'normal', resumed: false,
      cwd: `/srv/${odd}`, env: { APP_ENV: odd }, target: `ssh://${odd}`, items: [{ label: odd, detail: `values '${odd}'` }] } as const;
    const screens: Record<string, string> = {
      plain: new PlainFormatter(paint(false)).format(gate as never).join('\n'),
      replay: renderLine({ ...gate, ts: '2026-11-27T00:00:00.000Z' } as unknown as TranscriptLine).join('\n'),
      'replay inputs': renderLine({ type: 'run-started', ts: '2026-11-27T00:00:00.000Z', runId: 'r', dryRun: false, inputs: { dirs: odd } } as unknown as TranscriptLine).join('\n'),
    };
    for (const [screen, text] of Object.entries(screens)) {
      const shown = text.split('\n').filter((l) => l.includes('st') && /ging/.test(l));
      assert.ok(shown.length >= (screen === 'replay inputs' ? 1 : 4), `${screen}: ${text}`);
      for (const line of shown) assert.ok(line.includes(named(hidden)), `${screen} hides ${named(hidden)}: ${JSON.stringify(line)}`);
    }
  }
});

// Left by stop 70, mended: a loop's progress lines (--plain's `item 2 ok: …`, the live view's `✓ item 2 …`,
// replay's item rows) and a dry run's skipped items drew the item terminal-safe, so `st\e[maging` (a link to prod)
// read `staging` there while the gate had named it. Each now draws the item exactly.
test('a loop\'s item rows and a dry run\'s skipped items name the hidden characters of the item (300 generated)', async () => {
  const random = rng(72);
  const listeners: RunEventListener[] = [];
  const store = createViewStore({ on: (fn: RunEventListener) => { listeners.push(fn); return () => {}; } });
  const hiddens: string[] = [];
  for (let n = 0; n < 300; n++) {
    const hidden = [...HIDDEN, '\u0430'][Math.floor(random() * (HIDDEN.length + 1))]!;
    hiddens.push(hidden);
    const odd = `st${hidden}ging`;
    const finished: RunEvent = { type: 'item-finished', stepId: 'clean', index: n, label: odd, result: { status: n % 2 ? 'ok' : 'failed', durationMs: 1, error: 'exit code 1' } };
    listeners.forEach((l) => l(finished));
    const plain = new PlainFormatter(paint(false));
    const screens: Record<string, string> = {
      'plain item': plain.format(finished).join('\n'),
      'plain dry-run items': plain.format({ type: 'step-skipped', stepId: 'clean', reason: 'dry-run', detail: 'rm -f x', items: [{ label: odd, detail: 'x' }] }).join('\n'),
      'replay item': renderLine({ ...finished, ts: '2026-11-27T00:00:00.000Z' } as unknown as TranscriptLine).join('\n'),
    };
    for (const [screen, text] of Object.entries(screens)) assertNamed(screen, text, hidden);
  }
  await new Promise((r) => setTimeout(r, OUTPUT_BATCH_MS + 50));
  const rows = store.get().output.filter((l) => / item \d+ /.test(l.text));
  assert.equal(rows.length, 300);
  rows.forEach((row, n) => assertNamed('live view', row.text, hiddens[n]!));
  store.dispose();
});

function assertNamed(screen: string, text: string, hidden: string): void {
  const shown = text.split('\n').filter((l) => /st.*ging/.test(l));
  assert.ok(shown.length >= 1, `${screen}: ${text}`);
  for (const line of shown) assert.ok(line.includes(named(hidden)), `${screen} hides ${named(hidden)}: ${JSON.stringify(line)}`);
}
