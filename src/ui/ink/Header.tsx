// Which runbook, against what, for how long, and how it ended.
import { Box, Text } from 'ink';
import { formatClock } from '../format.js';
import type { ViewModel } from '../view-model.js';
import { useColor } from './theme.js';

const OUTCOME_TONE = { resolved: 'ok', escalate: 'warn', failed: 'bad', aborted: 'bad', interrupted: 'warn' } as const;

export interface HeaderProps { vm: ViewModel; now: number; transcriptPath?: string | undefined; notice?: string | undefined }

export function Header({ vm, now, transcriptPath, notice }: HeaderProps) {
  const color = useColor();
  const end = vm.finishedAt ?? now;
  const elapsed = vm.startedAt !== undefined ? formatClock(end - vm.startedAt) : '0:00';
  const outcome = vm.finished?.outcome;
  return (
    <Box flexDirection="column">
      <Box justifyContent="space-between">
        <Text wrap="truncate-end">
          <Text bold color={color('accent')}>runbook</Text> <Text bold>{vm.title || vm.name}</Text>
          {vm.name ? <Text color={color('dim')}> ({vm.name})</Text> : null}
          {vm.dryRun ? <Text color={color('warn')} bold>  DRY RUN</Text> : null}
        </Text>
        <Text>
          {outcome
            ? <Text bold inverse color={color(OUTCOME_TONE[outcome])}> {outcome.toUpperCase()} </Text>
            : <Text color={color('active')}>running</Text>}
          {/* Plain digits: a clock glyph is two columns wide in some terminals and one in others, which wraps a
              full-width header there. */}
          <Text>  {elapsed}</Text>
        </Text>
      </Box>
      {vm.target ? <Text wrap="truncate-end"><Text color={color('dim')}>target     </Text>{vm.target}</Text> : null}
      {transcriptPath ? <Text wrap="truncate-end"><Text color={color('dim')}>transcript </Text>{transcriptPath}</Text> : null}
      {vm.resumedFrom ? <Text color={color('warn')}>resumed at step '{vm.resumedFrom}'</Text> : null}
      {notice ? <Text color={color('warn')} wrap="truncate-end">{notice}</Text> : null}
    </Box>
  );
}
