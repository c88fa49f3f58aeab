// Hang guards for whole tests (issue #20). A test may take as long as a loaded machine makes it; these only
// end one that would otherwise wait for ever, and are never a speed target (that is bench/).

/** Per-test limit for the end-to-end tests (real CLI, bash, servers, tmux). Idle value: the slowest of them
 *  takes ~25 s on an idle 2-core machine (a secrets sweep over one runbook and engine); this is 10× that,
 *  the same as the suite's own --test-timeout, so a single file run directly is guarded alike. */
export const E2E_TEST_LIMIT_MS = 300_000;
