// The report names a step by its rendered title (issue 49): a step that never started (skipped by its condition)
// has no rendered title in the record, and showed its raw `${{ … }}` template. Now its template is rendered with
// the run's inputs, or, when it reads more than the inputs, its id stands in; never the raw template, in the
// timeline or in the path's diagram.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { readTranscript } from '../../src/transcript/reader.js';
import { buildReport } from '../../src/transcript/report/build.js';
import { renderMarkdown } from '../../src/transcript/report/markdown.js';
import { loadRunbookFile, runWithTranscript, scratch } from './helpers.js';

test('skipped steps are named by their rendered title in the report, never by ${{ }}', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'titles.yaml');
  writeFileSync(file, `name: titles
title: Titles
inputs:
  service: { default: checkout }
steps:
  - id: look
    shell: echo 3
    capture: n
  - id: restart
    if: number(n.output) > 5
    title: Restart \${{ inputs.service }}
    shell: echo restarting
  - id: scale
    if: number(n.output) > 9
    title: Scale to \${{ n.output }} workers
    shell: echo scaling
  - { id: done, end: resolved }
`);
  const transcript = join(dir, 'titles.jsonl');
  await runWithTranscript(loadRunbookFile(file), {}, transcript);
  // The timeline and the path's diagram both name steps as the run would have (the diagram is the runbook's
  // graph, its titles the run's).
  const markdown = renderMarkdown(buildReport(readTranscript(transcript)));
  assert.doesNotMatch(markdown, /\$\{\{/, markdown);
  assert.match(markdown, /s_restart\["restart#58; Restart checkout"\]/, 'the diagram too'); // Mermaid's entity for ':'
  assert.match(markdown, /Restart checkout/, 'rendered with the run\'s inputs');
  assert.match(markdown, /`scale`/, 'a title that reads a capture: the id stands in');
});
