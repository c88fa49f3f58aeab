// Regenerates the text screenshots in docs/terminal-ui.md: `node --import tsx test/ui/capture-screens.ts` (after
// `npm run build`). Not a test; prints each screen (tmux capture-pane) at 80x24, the smallest terminal the UI
// promises to fit, under a heading, temp paths shortened.
import { writeFileSync } from 'node:fs';
import { sleep } from './helpers.js';
import { Terminal } from './terminal.js';

// Same length as the random temp dir, so boxes stay aligned.
const tidy = (screen: string, t: Terminal) => screen.split(t.dir).join(t.dir.replace(/[^/]{6}$/, 'abc123')).replace(/^EXIT=\d+\n?/m, '').replace(/\s+$/, '');

async function capture(title: string, fixture: string, extra: string[], steps: (t: Terminal) => Promise<void>): Promise<void> {
  const t = new Terminal(fixture, extra, { cols: 80, rows: 24, transcript: true });
  try {
    await steps(t);
    process.stdout.write(`### ${title}\n\n\`\`\`text\n${tidy(t.screen(), t)}\n\`\`\`\n\n`);
  } finally { t.close(); }
}

/** screen.yaml up to its manual steps: the held step let go at once. */
const letGo = async (t: Terminal) => { await t.until('waiting for the test'); writeFileSync(`${t.file}.go`, ''); };
/** screen.yaml on to its prompt: each manual step answered once its own keys are on screen. */
const toPrompt = async (t: Terminal) => {
  await letGo(t);
  for (const [id, key] of [['first-look', '1'], ['second-look', '2']] as const) { await t.until(new RegExp(`MANUAL STEP +${id}[\\s\\S]*1-2 or ↑↓`)); t.keys(key); }
  await t.until(/QUESTION[\s\S]*› /);
};

await capture('A run in progress', 'pool-drain.yaml', ['-i', 'hold=6'], async (t) => { await t.until('│ waiting 6s'); await sleep(1500); });
await capture('A confirmation gate', 'pool-drain.yaml', [], async (t) => { await t.until('abort the run'); });
await capture('A gate with a long script (30 lines) at 80x24', 'screen.yaml', [], async (t) => {
  await toPrompt(t); t.keys('Enter');
  await t.until('abort the run');
});
await capture('The evidence behind a gate (e)', 'screen.yaml', [], async (t) => {
  await toPrompt(t); t.keys('Enter');
  await t.until('abort the run'); t.keys('e'); await t.until('evidence before end-sessions');
});
await capture('A high-risk gate, step id half typed', 'high-risk.yaml', [], async (t) => {
  await t.until('and Enter to run it'); t.keys('-l', 'promote-rep'); await t.until('› promote-rep');
});
await capture('A manual step', 'screen.yaml', [], async (t) => { await letGo(t); await t.until(/MANUAL STEP[\s\S]*1-2 or ↑↓/); });
await capture('A prompt, after a wrong answer', 'screen.yaml', [], async (t) => {
  await toPrompt(t); t.keys('-l', 'four'); t.keys('Enter'); await t.until('expected a whole number');
});
await capture('Ctrl-C during a step', 'pool-drain.yaml', ['-i', 'hold=30'], async (t) => {
  await t.until('│ waiting 30s'); t.keys('C-c'); await t.until('end the run?');
});
await capture('The final record', 'pool-drain.yaml', [], async (t) => {
  await t.until('abort the run'); t.keys('y'); await t.until(/^EXIT=0$/m);
});
