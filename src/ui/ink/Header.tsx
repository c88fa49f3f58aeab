// Which runbook, against what, for how long, and how it ended.
import { Box, Text } from 'ink';
import { formatClock } from '../format.js';
import type { ViewModel } from '../view-model.js';
import { useColor } from './theme.js';

const OUTCOME_TONE = { resolved: 'ok', escalate: 'warn', failed: 'bad', aborted: 'bad', interrupted: 'warn' } as const;

/** waitingSince: a gate or question waits for the operator (the clock is stopped): shown as a time of day. */
export interface HeaderProps { vm: ViewModel; now: number; waitingSince?: number | undefined; transcriptPath?: string | undefined; notice?: string | undefined }

export function Header({ vm, now, waitingSince, transcriptPath, notice }: HeaderProps) {
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
        {/* Never shrunk: the title gives way (truncated) so the state and time stay whole. */}
        <Box flexShrink={0}>
          {outcome
            ? <Text><Text bold inverse color={color(OUTCOME_TONE[outcome])}> {outcome.toUpperCase()} </Text>  {elapsed}</Text>
            : waitingSince !== undefined
              ? <Text color={color('warn')}>  waiting since {timeOfDay(waitingSince)}</Text>
              // Plain digits: a clock glyph is two columns wide in some terminals and one in others, which wraps a
              // full-width header there.
              : <Text><Text color={color('active')}>running</Text>  {elapsed}</Text>}
        </Box>
      </Box>
      {vm.target ? <Text wrap="truncate-end"><Text color={color('dim')}>target     </Text>{vm.target}</Text> : null}
      {transcriptPath ? <Text wrap="truncate-end"><Text color={color('dim')}>transcript </Text>{transcriptPath}</Text> : null}
      {vm.resumedFrom ? <Text color={color('warn')}>resumed at step '{vm.resumedFrom}'</Text> : null}
      {notice ? <Text color={color('warn')} wrap="truncate-end">{notice}</Text> : null}
    </Box>
  );
}

/** HH:MM:SS, local time. */
const timeOfDay = (ms: number) => new Date(ms).toTimeString().slice(0, 8);
