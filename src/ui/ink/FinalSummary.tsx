// How the run ended: outcome and message, step counts, the transcript, and for a dry run what a real run asks.
import { Box, Text } from 'ink';
import { commandLine, formatDuration } from '../format.js';
import type { ViewModel } from '../view-model.js';
import { GateItems } from './GateItems.js';
import { useColor } from './theme.js';

const TONE = { resolved: 'ok', escalate: 'warn', failed: 'bad', aborted: 'bad' } as const;

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
  if (!vm.dryRunActions.length) return <Text color={color('warn')}>dry run: no destructive step was reached</Text>;
  return (
    <Box flexDirection="column">
      <Text color={color('warn')}>dry run: a real run would ask you to confirm</Text>
      {vm.dryRunActions.map((a, i) => (
        <Box key={`${a.stepId}-${i}`} flexDirection="column">
          <Text wrap="truncate-end">  - <Text bold>{a.stepId}</Text>: {commandLine(a.command)}</Text>
          {a.items ? <Box marginLeft={6}><GateItems items={a.items} /></Box> : null}
        </Box>
      ))}
    </Box>
  );
}
