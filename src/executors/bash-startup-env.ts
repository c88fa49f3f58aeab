// Variables bash reads when it starts, or while it runs the script, that change what the script the lint proved
// runs: BASH_ENV (and ENV in posix mode) is a file it sources first, SHELLOPTS and BASHOPTS turn on options the
// lint does not review (posix mode expands aliases), POSIXLY_CORRECT turns on posix mode, PS4 is expanded (its
// `$(…)` run) at every traced command of a reviewed `set -x`, and an exported function (`BASH_FUNC_cat%%`) runs
// in place of the command of that name; TEXTDOMAIN and TEXTDOMAINDIR choose the translation of a $"…" string,
// which bash expands as if written in double quotes. A step cannot set any of them (shell-vars.ts); the operator's
// environment may hold them, and a step's bash starts without them. Everything else is inherited as it was.

const STARTUP = new Set(['BASH_ENV', 'ENV', 'SHELLOPTS', 'BASHOPTS', 'POSIXLY_CORRECT', 'PS4', 'TEXTDOMAIN', 'TEXTDOMAINDIR']);

/** `env` without the variables bash would read to run something else than the script. */
export function withoutBashStartup(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // fromEntries defines each key (an assignment to a variable named __proto__ would set the prototype instead).
  return Object.fromEntries(Object.entries(env).filter(([name]) => !STARTUP.has(name) && !name.startsWith('BASH_FUNC_')));
}
