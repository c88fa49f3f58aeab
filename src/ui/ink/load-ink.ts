// ink decides once, when it is first imported, whether it runs "in CI" (CI or CONTINUOUS_INTEGRATION set) and
// then draws only the final frame. We only render ink on a real terminal, where an operator whose shell happens
// to export CI=true still needs the live view; so the flags are hidden while ink loads, and put back at once so
// that the commands a runbook runs see the environment unchanged.
const FLAGS = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

export async function withoutCiFlags<T>(load: () => Promise<T>): Promise<T> {
  const saved = FLAGS.map((k) => [k, process.env[k]] as const);
  for (const k of FLAGS) delete process.env[k];
  try {
    return await load();
  } finally {
    for (const [k, v] of saved) if (v !== undefined) process.env[k] = v;
  }
}
