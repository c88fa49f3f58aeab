// How the run ended: outcome and message, step counts, the transcript, and for a dry run what a real run asks.
import { Box, Text } from 'ink';
import { formatDuration, plural } from '../format.js';
import { stepStatus } from '../step-status.js';
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
      {vm.dryRun ? <DryRunList vm={vm} /> : <Destructive vm={vm} />}
      {vm.notes.length ? <Text color={color('dim')}>{plural(vm.notes.length, 'note')} in the transcript</Text> : null}
      {/* Wrapped, never cut: the operator copies this path into `runbook report` / `resume`. */}
      {transcriptPath ? <Text color={color('dim')} wrap="wrap">transcript {transcriptPath}</Text> : null}
    </Box>
  );
}

/** Every destructive step that ran or was answered at its gate, with its result: the record of what was done. */
function Destructive({ vm }: { vm: ViewModel }) {
  const color = useColor();
  const acted = vm.steps.filter((s) => s.destructive && s.state !== 'pending' && (s.confirmation !== undefined || s.visits > 0));
  const ran = acted.some((s) => s.state !== 'skipped' && s.state !== 'awaiting');
  return (
    <Box flexDirection="column">
      {acted.length ? <Text>destructive steps:</Text> : null}
      {acted.map((s) => {
        const st = stepStatus(s, 0, true);
        const by = s.confirmation?.answer === 'yes' ? ` (confirmed by ${s.confirmation.by})` : '';
        return <Text key={s.id} wrap="truncate-end"><Text color={color(st.tone)}>  {st.icon} {s.title}</Text> {st.text}{by}</Text>;
      })}
      {ran ? null : <Text color={color('dim')}>no destructive action taken</Text>}
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
