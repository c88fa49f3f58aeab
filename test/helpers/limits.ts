// Hang guards for whole tests (issue #20). A test may take as long as a loaded machine makes it; these only
// end one that would otherwise wait for ever, and are never a speed target (that is bench/).

/** Per-test limit for the end-to-end tests (real CLI, bash, servers, tmux). Idle value: the slowest of them
 *  takes ~25 s on an idle 2-core machine (a secrets sweep over one runbook and engine); this is 10× that,
 *  the same as the suite's own --test-timeout, so a single file run directly is guarded alike. */
export const E2E_TEST_LIMIT_MS = 300_000;

/** Default kill timer of one CLI run in the helpers (hardening, runbooks, cli): a hang guard that ends a run
 *  that would never exit while the test still has time to report what it printed. The slowest single run
 *  takes ~20-30 s idle, most of it waiting out a built-in runbook's probe timeouts (timers, which load does not
 *  stretch); the rest is start-up and work, which it does. 240 s is ≥ 8× the slowest and ≥ 100× most. */
export const CLI_KILL_MS = 240_000;
