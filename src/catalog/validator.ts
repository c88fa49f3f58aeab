// The validator for runbooks the build's index does not cover (js-yaml, TypeBox and every check: most of a cold
// `list` or `validate`), loaded on first need. One module so that the launcher's fast path (cli/fast/main.ts) can
// swap it for one that hands the command to the full CLI instead.
export const loadValidator = () => import('../language/runbook.js');
/** `validate <name>.cases.yaml`: the cases file's checks (runbook test's own), loaded only for such a file. */
export const loadCasesChecker = () => import('../testing/load-cases.js');
