// The launcher's fast path (dist/fast.cjs, CommonJS): `--version`, and `list` and `validate` when every runbook
// they touch is an unchanged built-in, answered from dist/prevalidated.json. Node's ES module loader costs
// ~5 ms of a ~60 ms start and these commands have ~18 ms to spend in all (issue #7: ≤ 1.3× `node -e 0`), so
// they run without it. Anything else resolves false, having printed nothing, and the launcher loads the full
// CLI (dist/runbook.mjs), which then does everything from the start.
import { runCli } from '../program.js';
import { registerList, registerValidate } from '../register/core.js';
import { NeedsFullCli } from './needs-full-cli.js';

const FAST = new Set(['--version', '-V', 'list', 'validate']);

export async function fastMain(argv: string[]): Promise<boolean> {
  if (!FAST.has(argv[2] ?? '')) return false;
  try {
    await runCli(argv, (program, lazy, invoked) => {
      if (invoked === 'list') registerList(program, lazy);
      if (invoked === 'validate') registerValidate(program, lazy);
    }, (e) => e instanceof NeedsFullCli);
    return true;
  } catch (e) {
    if (e instanceof NeedsFullCli) return false;
    throw e;
  }
}
