// A third test reporter for test/run.mjs: every failed test with its file and the first lines of its error,
// written when the run ends to the file named by RUNBOOK_TEST_FAILURES. test/run.mjs prints it last, so a CI log
// that keeps only its tail still names what failed.
import { writeFileSync } from 'node:fs';
import { testFileName } from './test-file-name.mjs';

/** The leaf failures only: a suite fails because a test in it failed, and that test is already listed. */
function isLeaf(event) {
  return event.data.details?.type !== 'suite' && event.data.details?.error?.failureType !== 'subtestsFailed';
}

function firstLines(error, n = 6) {
  const cause = error?.cause ?? error;
  const text = String(cause?.stack ?? cause?.message ?? cause ?? '');
  return text.split('\n').slice(0, n).map((l) => `    ${l}`).join('\n');
}

export default async function* failuresReporter(source) {
  const target = process.env.RUNBOOK_TEST_FAILURES;
  const failed = [];
  for await (const event of source) {
    if (event.type !== 'test:fail' || !isLeaf(event)) continue;
    const file = event.data.file ? testFileName(event.data.file) : '(unknown file)';
    failed.push(`- ${file}: ${event.data.name}\n${firstLines(event.data.details?.error)}`);
  }
  if (target) writeFileSync(target, failed.join('\n'));
}
