// How a shell step's values reach its script: never on a command line (any local user reads
// /proc/<pid>/cmdline) and never in an environment (everything the script starts would inherit it, and
// /proc/<pid>/environ keeps it for the life of the process). The engine writes each ${{ }} as a reference to a
// shell variable RUNBOOK_V<n> (engine/render.ts); the values arrive NUL-terminated on the script's stdin, and a
// one-line prelude reads them into read-only, unexported variables and puts /dev/null back on stdin, so the
// script runs exactly as it would with no pipe. The prelude shares the script's first line: bash's line
// numbers in error messages stay the author's.

export const valueVar = (n: number): string => `RUNBOOK_V${n}`;

export interface ScriptWithValues { script: string; stdin?: Buffer }

/** The script bash runs and what its stdin carries. Throws for a value bash cannot hold (a NUL byte). */
export function withValues(script: string, values: readonly string[]): ScriptWithValues {
  if (values.length === 0) return { script };
  if (values.some((v) => v.includes('\0'))) throw new Error('a value holds a NUL byte, which a shell variable cannot hold');
  const names = values.map((_, i) => valueVar(i + 1));
  const reads = names.map((n) => `IFS= read -r -d '' ${n}`).join(' && ');
  // A value that did not arrive must stop the script: `rm -rf "/srv/${RUNBOOK_V1}"` with an empty value is /srv/.
  const prelude = `{ ${reads}; } || { echo "runbook: the step's values did not arrive" >&2; exit 125; }; `
    + `readonly ${names.join(' ')}; exec </dev/null; `;
  return { script: prelude + script, stdin: Buffer.from(values.map((v) => `${v}\0`).join(''), 'utf8') };
}
