#!/usr/bin/env node
// Thin launcher: the bundled build when present (fast start), the TypeScript sources otherwise.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'runbook.mjs');
if (existsSync(bundle) && !process.env.RUNBOOK_FROM_SOURCE) {
  const { main } = await import(pathToFileURL(bundle).href);
  await main(process.argv);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href);
  await main(process.argv);
}
