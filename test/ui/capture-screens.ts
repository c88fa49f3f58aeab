// Regenerates the text screenshots in docs/terminal-ui.md: `node --import tsx test/ui/capture-screens.ts`.
// Not a test; prints each screen (tmux capture-pane) under a heading, temp paths shortened.
import { sleep } from './helpers.js';
import { Terminal } from './terminal.js';

// Same length as the random temp dir, so boxes stay aligned.
const tidy = (screen: string, t: Terminal) => screen.split(t.dir).join(t.dir.replace(/[^/]{6}$/, 'abc123')).replace(/\s+$/, '');

async function capture(title: string, fixture: string, extra: string[], steps: (t: Terminal) => Promise<void>): Promise<void> {
  const t = new Terminal(fixture, extra, { cols: 80, rows: 24, transcript: true }); // the smallest terminal the UI promises to fit
  try {
    await steps(t);
    process.stdout.write(`### ${title}\n\n\`\`\`text\n${tidy(t.screen(), t)}\n\`\`\`\n\n`);
  } finally { t.close(); }
}

await capture('A run in progress', 'pool-drain.yaml', ['-i', 'hold=6'], async (t) => { await t.until('waiting 6s'); await sleep(1500); });
await capture('A confirmation gate', 'pool-drain.yaml', [], async (t) => { await t.until('CONFIRM'); });
await capture('A high-risk gate, step id half typed', 'high-risk.yaml', [], async (t) => {
  await t.until('and Enter to run it'); t.keys('-l', 'promote-rep'); await sleep(300);
});
await capture('Ctrl-C during a step', 'pool-drain.yaml', ['-i', 'hold=30'], async (t) => {
  await t.until('waiting 30s'); t.keys('C-c'); await t.until('end the run?');
});
await capture('The final frame', 'pool-drain.yaml', [], async (t) => {
  await t.until('abort the run'); t.keys('y'); await t.until('RESOLVED'); await sleep(300);
});
