// The confirmation before a destructive step: exactly what will run, where, why, what it affects.
// y / s / a answer it; no other key does anything. High risk: the operator types the step id.
import type { ReactNode } from 'react';
import { Box, Text, useInput } from 'ink';
import type { ConfirmAnswer, ConfirmationRequested } from '../../engine/events.js';
import { READ_FIRST, TypedConfirm } from './TypedConfirm.js';
import { gateSettings, gateTarget } from '../format.js';
import { GateItems } from './GateItems.js';
import { useColor } from './theme.js';

export type GateAnswer = (answer: ConfirmAnswer, how: 'key' | 'typed') => void;

export interface GatePanelProps {
  gate: ConfirmationRequested;
  active: boolean;
  armed(): boolean;        // false for a moment after the gate appears: type-ahead must not answer it
  keysLive?: boolean;      // armed, for the frame: the keys are shown once they work (default: shown)
  onAnswer: GateAnswer;
}

const KEY_ANSWERS: Record<string, ConfirmAnswer> = { y: 'yes', s: 'skip', a: 'abort' };

export function GatePanel({ gate, active, armed, keysLive = true, onAnswer }: GatePanelProps) {
  const color = useColor();
  const high = gate.risk === 'high';
  useInput((input) => {
    const answer = KEY_ANSWERS[input];
    if (answer && armed()) onAnswer(answer, 'key');
  }, { isActive: active && !high });
  return (
    <Box flexDirection="column" flexShrink={1} borderStyle={high ? 'double' : 'round'} borderColor={color(high ? 'bad' : 'warn')} paddingX={1} marginTop={1}>
      <Box flexShrink={0}><Text bold color={color(high ? 'bad' : 'warn')}>
        {high ? 'CONFIRM (HIGH RISK)' : 'CONFIRM'}  <Text color={undefined}>{gate.stepId}</Text>
        {gate.title !== gate.stepId ? <Text color={undefined} bold={false}> · {gate.title}</Text> : null}
      </Text></Box>
      <Field label="will run">{gate.command.trim().split('\n').map((l, i) => <Text key={i} color={color('active')}>{l}</Text>)}</Field>
      {gate.target ? <Field label="on"><Text>{gateTarget(gate)}</Text></Field> : null}
      {gateSettings(gate).map((s, i) => <Field key={`setting-${i}`} label={s.label}><Text>{s.value}</Text></Field>)}
      {gate.description ? <Field label="why" shrink><Text>{gate.description.trim()}</Text></Field> : null}
      {gate.blastRadius ? <Field label="affects" shrink><Text>{gate.blastRadius}</Text></Field> : null}
      {gate.items ? <Field label="for each" shrink measured><GateItems items={gate.items} {...(gate.itemsDone ? { itemsDone: gate.itemsDone } : {})} /></Field> : null}
      {gate.resumed ? (
        <Text color={color('warn')} bold>⚠ this step was in flight when the run was interrupted; it may have partly run</Text>
      ) : null}
      <Box marginTop={1} flexShrink={0}><Text bold>{gate.question}</Text></Box>
      <Box flexShrink={0} flexDirection="column">{high
        ? <TypedConfirm stepId={gate.stepId} active={active} armed={armed} keysLive={keysLive} onAnswer={onAnswer} />
        : !keysLive
        ? <Text color={color('dim')}>{READ_FIRST}</Text>
        : <Text><Key k="y" /> run   <Key k="s" /> skip   <Key k="a" /> abort the run{active ? '' : <Text color={color('dim')}>   (finish what is open first)</Text>}</Text>}</Box>
    </Box>
  );
}

/** shrink: on a short terminal this field gives up rows (clipped) before the command, the target and the
 *  question do. measured: the child fits itself to the rows it gets (GateItems says what it leaves out). */
function Field({ label, children, shrink = false, measured = false }: { label: string; children: ReactNode; shrink?: boolean; measured?: boolean }) {
  const color = useColor();
  return (
    <Box flexShrink={shrink ? 1 : 0} {...(shrink ? { overflow: 'hidden' as const } : {})}>
      <Box width={10} flexShrink={0}><Text color={color('dim')}>{label}</Text></Box>
      {/* The inner column keeps its rows (flexShrink along its own axis): a shrunk field clips them at its edge
          instead of laying them over each other. */}
      <Box flexDirection="column" flexGrow={1}>{measured ? children : <Box flexDirection="column" flexShrink={0}>{children}</Box>}</Box>
    </Box>
  );
}

export function Key({ k }: { k: string }) {
  return <Text bold inverse> {k} </Text>;
}
