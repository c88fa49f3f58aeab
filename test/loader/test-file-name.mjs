// A test file's name as the reporters record it: its source path from the checkout. With source maps on, the
// runner names the source file itself; otherwise the compiled copy (test/loader/compile.mjs: x.test.ts.mjs).
import { relative } from 'node:path';

export function testFileName(file, compiled = process.env.RUNBOOK_TEST_JS ?? '') {
  return compiled && file.startsWith(compiled) ? relative(compiled, file).replace(/\.mjs$/, '') : relative(process.cwd(), file);
}
