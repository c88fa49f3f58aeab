// Stands in for ink/mount.ts and ink/load-ink.ts in dist/run.cjs (bin/bundle.mjs): that build serves only runs
// that cannot show the terminal UI (bin/runbook.js sends the others to the ES module build), so attachUI never
// reaches these. If it ever did, the run stops before its first step with this message rather than drawing wrong.
const missing = (): never => {
  throw new Error('the terminal UI is not in dist/run.cjs (bin/runbook.js sent an interactive run to the plain build)');
};
export const withoutCiFlags = missing;
export const mountInk = missing;
