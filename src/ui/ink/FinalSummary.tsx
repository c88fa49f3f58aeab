// How the run ended: outcome and message, step counts, the transcript, and for a dry run what a real run asks.
import { Box, Text } from 'ink';
import { formatDuration } from '../format.js';
import { dryRunPlan } from '../dry-run-plan.js';
import type { ViewModel } from '../view-model.js';
import { useColor } from './theme.js';

const TONE = { resolved: 'ok', escalate: 'warn', failed: 'bad', aborted: 'bad', interrupted: 'warn' } as const;

export function FinalSummary({ vm, transcriptPath }: { vm: ViewModel; transcriptPath?: string | undefined }) {
  const color = useColor();
  const f = vm.finished;
  if (!f) return null;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text wrap="wrap">
        <Text bold color={color(TONE[f.outcome])}>{f.outcome}</Text> in {formatDuration(f.durationMs)}
        <Text color={color('dim')}> ({f.steps.ok} ok, {f.steps.failed} failed, {f.steps.skipped} skipped)</Text>
        {f.message ? <Text>: {f.message}</Text> : null}
      </Text>
      {vm.dryRun ? <DryRunList vm={vm} /> : null}
      {transcriptPath ? <Text color={color('dim')} wrap="truncate-end">transcript {transcriptPath}</Text> : null}
    </Box>
  );
}

function DryRunList({ vm }: { vm: ViewModel }) {
  const color = useColor();
  const lines = dryRunPlan(vm.dryRunModes, vm.dryRunActions);
  return (
    <Box flexDirection="column">
      {lines.map((l, i) => <Text key={i} color={i === 0 ? color('warn') : undefined} wrap="truncate-end">{i === 0 ? 'dry run: ' : '  '}{l}</Text>)}
    </Box>
  );
}
