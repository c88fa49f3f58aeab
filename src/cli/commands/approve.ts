// `runbook approve <run-id> <step-id> [--deny "<reason>"]`: a teammate's decision at a four-eyes gate. The
// approver first sees what the driver's gate shows (from the store's copy of the gate line); the decision is
// signed by the store role they log in as (the database fills it in and refuses the run's operator). It names the
// gate visit shown (the line's `gate`), so it answers that visit and no later one: a run that moved on meanwhile
// refuses it (RB013), and the approver looks again.
import { createInterface } from 'node:readline/promises';
import { UserError } from '../../common/errors.js';
import { renderLine } from '../../transcript/replay/render.js';
import type { TranscriptLine } from '../../events/schema.js';
import { storeErrorText, type StoreClient } from '../../store/client.js';
import { findRun } from '../../store/follow.js';
import { openStore, requireStoreUrl } from '../../store/open.js';
import { say, stdoutWidth } from '../say.js';

export async function approveCommand(id: string, stepId: string, opts: { store?: string; deny?: string; yes?: boolean }): Promise<number> {
  if (opts.deny !== undefined && !opts.deny.trim()) throw new UserError('--deny needs a reason: --deny "why not"');
  const client = await openStore(requireStoreUrl(opts.store));
  try {
    const runId = await findRun(client, id);
    const gate = await waitingGate(client, runId, stepId);
    for (const shown of renderLine(gate, { width: stdoutWidth() })) say(`${shown}\n`);
    const verb = opts.deny !== undefined ? 'deny' : 'approve';
    if (!opts.yes && !(await ask(`${verb === 'deny' ? 'Deny' : 'Approve'} '${stepId}' as ${client.role}? [y/N] `))) {
      say('nothing decided\n');
      return 1;
    }
    const rows = await client.query<{ who: string }>('SELECT runbook.decide($1, $2, $3, $4, $5) AS who',
      [runId, stepId, gate.gate, opts.deny !== undefined ? 'denied' : 'approved', opts.deny ?? null]).catch((e: unknown) => { throw refusal(e, stepId); });
    say(`${verb === 'deny' ? 'denied' : 'approved'} '${stepId}' of run ${runId} as ${rows[0]?.who ?? client.role}\n`);
    return 0;
  } finally {
    await client.end();
  }
}

type GateLine = TranscriptLine & { type: 'confirmation-requested'; gate: string };

/** The four-eyes gate visit of this step the run waits at now, as the store has it (runs.waiting_visit). */
async function waitingGate(client: StoreClient, runId: string, stepId: string): Promise<GateLine> {
  const rows = await client.query<{ line: string | null; waiting_gate: string | null }>(`SELECT r.waiting_gate,
      (SELECT e.line FROM runbook.events e WHERE e.run_id = r.run_id AND e.event->>'type' = 'confirmation-requested'
        AND e.event->>'stepId' = $2 AND e.event->>'gate' = r.waiting_visit ORDER BY e.seq DESC LIMIT 1) AS line
    FROM runbook.runs r WHERE r.run_id = $1`, [runId, stepId]);
  const row = rows[0];
  const gate = row?.line ? JSON.parse(row.line) as GateLine : undefined;
  if (gate?.approval) return gate;
  if (gate || row?.waiting_gate === stepId) throw new UserError(`'${stepId}' is an ordinary gate: its driver answers it, not a second person`);
  throw new UserError(`run ${runId} is not waiting at a gate of '${stepId}' now${row?.waiting_gate ? ` (it waits at '${row.waiting_gate}')` : ''}: a decision is made at the gate`);
}

async function ask(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new UserError('no terminal to ask on: give --yes to decide without being asked');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try { return /^y(es)?$/i.test((await rl.question(question)).trim()); } finally { rl.close(); }
}

function refusal(e: unknown, stepId: string): UserError {
  const code = (e as { code?: string }).code;
  if (code === '23505') return new UserError(`you already decided on this gate of '${stepId}'; a decision is final`);
  if (code === 'RB013') return new UserError(`the run moved on: it no longer waits at the gate of '${stepId}' you were shown (${storeErrorText(e)}); nothing decided`);
  return new UserError(`the store refused: ${storeErrorText(e)}`);
}
