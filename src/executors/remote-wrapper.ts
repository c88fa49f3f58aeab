// What runs on the target: a bash script, the same for every kind of target, started as `bash -c <wrapper>`.
//
// - First it says it started (a handshake line on stdout, with a nonce of this step): a client that answered
//   without running it (an authorized_keys `command=`, sshd's ForceCommand, a nologin shell, no bash there)
//   prints no handshake, and the step is classified target-denied instead of passing or failing as the
//   script's own result (remote-handshake.ts).
// - It reads the values, NUL-terminated, from stdin into read-only variables (the step's ${RUNBOOK_V<n>}, its
//   env values, its directory): none is ever in the script text or on a command line.
// - The step runs in a subshell that leads a process group of its own (job control on for that one `&`): a
//   `docker exec` or `kubectl exec` process need not lead its group, which it may share with the container's
//   main process, so the group to kill is the step's, never `kill 0`. Beside it a watcher reads what is left
//   of stdin (nothing, until the client here goes away) and then ends that group: TERM, then KILL.
// - Like a local step, the script runs under errexit and pipefail.
import { assertEnvNames } from '../language/env-names.js';
import { valueVar } from './shell-values.js';

export interface WrapperSpec {
  script: string;
  values: number;          // the script's own ${RUNBOOK_V<n>} values
  envNames: string[];      // then one value per env variable, in this order
  cwd: boolean;            // then the directory, when the step has one
  handshake: string;       // the line printed first
}

export function remoteWrapper(w: WrapperSpec): string {
  // Defence in depth: the names are script text here (validate and prepare refuse them first).
  assertEnvNames(w.envNames);
  if (!/^[\w .:-]+$/.test(w.handshake)) throw new Error('the handshake line must be plain text');
  const names = [
    ...Array.from({ length: w.values }, (_, i) => valueVar(i + 1)),
    ...w.envNames.map((_, i) => `__runbook_e${i + 1}`),
    ...(w.cwd ? ['__runbook_cwd'] : []),
  ];
  const read = names.length
    ? `{ ${names.map((n) => `IFS= read -r -d '' ${n}`).join(' && ')}; } || { echo "runbook: the step's values did not arrive" >&2; exit 125; }\nreadonly ${names.join(' ')}`
    : '';
  return [
    `printf '%s\\n' '${w.handshake}'`,
    read,
    ...w.envNames.map((k, i) => `export ${k}="\${__runbook_e${i + 1}}"`),
    ...(w.cwd ? ['cd -- "${__runbook_cwd}" || { echo "runbook: cannot enter the step\'s directory" >&2; exit 125; }'] : []),
    // set -m for this one job: it gets a process group of its own, which it leads; +m at once, so bash
    // prints no job notices. Inside the subshell job control is off: the script's own jobs stay in its group.
    `set -m; (set -e -o pipefail\n${w.script}\n) </dev/null & __runbook_step=$!; set +m`,
    "{ trap '' TERM; while IFS= read -r -n 1 _; do :; done; kill -TERM -- \"-$__runbook_step\"; sleep 2; kill -KILL -- \"-$__runbook_step\"; } <&0 >/dev/null 2>&1 &",
    '__runbook_watch=$!; disown "$__runbook_watch"', // disowned: its kill prints no "Killed" notice
    'wait "$__runbook_step"; __runbook_rc=$?',
    'kill -KILL "$__runbook_watch" 2>/dev/null',
    'exit "$__runbook_rc"',
  ].filter(Boolean).join('\n');
}
