// Names a step's `env:` may set. On a target they become `export NAME=…` lines of the wrapper script that runs
// the step there (executors/remote-wrapper.ts), so anything but a plain shell name would be script text: a key
// `X=1; touch /tmp/x; Y` ran as a command. Here they are environment entries, where `=` splits the name.
// Also refused: the names the engine and bash hold for themselves. A value variable (RUNBOOK_V<n>) given in
// `env:` stays exported when the prelude fills it, handing the step's value to every process the script
// starts; bash's read-only variables cannot be set there and are overwritten here.

/** The shape of a name (the schema's key pattern). */
export const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';

const SHAPE = new RegExp(ENV_NAME_PATTERN);
const ENGINE = /^(RUNBOOK_V[0-9]+|__runbook\w*)$/;
const BASH_READONLY = ['BASHOPTS', 'BASH_VERSINFO', 'EUID', 'PPID', 'SHELLOPTS', 'UID'];

/** Why `name` cannot be set by a step's `env:` ("is not …", to follow the name), or undefined when it can. */
export function envNameProblem(name: string): string | undefined {
  if (!SHAPE.test(name)) return 'is not an environment variable name: use letters, digits and _, starting with a letter or _';
  if (ENGINE.test(name)) return "is the engine's own variable (a step's values arrive in RUNBOOK_V<n>): choose another name";
  if (BASH_READONLY.includes(name)) return 'is set by bash itself and cannot be given: choose another name';
  return undefined;
}

/** Throws for the first name a step may not set (a runbook that skipped validation, a programmatic caller). */
export function assertEnvNames(names: Iterable<string>): void {
  for (const name of names) {
    const problem = envNameProblem(name);
    if (problem) throw new Error(`env '${name}' ${problem}`);
  }
}
