#!/usr/bin/env node
// Thin launcher: the bundled build when present (fast start), the TypeScript sources otherwise.
// It imports nothing itself (not even node:fs to look for dist/): every module loaded here is paid for by
// every command, `--version` included, so the bundle is simply imported and a missing one detected.
const bundle = new URL('../dist/runbook.mjs', import.meta.url);

async function loadBundle() {
  if (process.env.RUNBOOK_FROM_SOURCE) return undefined;
  try {
    return await import(bundle.href);
  } catch (e) {
    // Only the bundle itself missing means "not built": anything else is a real error.
    const missing = e?.code === 'ERR_MODULE_NOT_FOUND'
      && (e.url === bundle.href || String(e.message).includes(decodeURIComponent(bundle.pathname)));
    if (!missing) throw e;
    return undefined;
  }
}

const built = await loadBundle();
if (built) {
  await built.main(process.argv);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import(new URL('../src/cli/main.ts', import.meta.url).href);
  await main(process.argv);
}
