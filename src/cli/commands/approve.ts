// `runbook approve <run-id> <step-id> [--deny "<reason>"]`: a teammate's decision at a four-eyes gate. The
// approver first sees what the driver's gate shows (from the store's copy of the gate line); the decision is
// signed by the store role they log in as (the database fills it in and refuses the run's operator).
import { createInterface } from 'node:readline/promises';
import { UserError } from '../../common/errors.js';
import { renderLine } from '../../transcript/replay/render.js';
import type { TranscriptLine } from '../../events/schema.js';
import { storeErrorText, type StoreClient } from '../../store/client.js';
import { findRun } from '../../store/follow.js';
import { openStore, requireStoreUrl } from '../../store/open.js';
import { say } from '../say.js';

export async function approveCommand(id: string, stepId: string, opts: { store?: string; deny?: string; yes?: boolean }): Promise<number> {
  if (opts.deny !== undefined && !opts.deny.trim()) throw new UserError('--deny needs a reason: --deny "why not"');
  const client = await openStore(requireStoreUrl(opts.store));
  try {
    const runId = await findRun(client, id);
    const gate = await waitingGate(client, runId, stepId);
    for (const shown of renderLine(gate)) say(`${shown}\n`);
    const verb = opts.deny !== undefined ? 'deny' : 'approve';
    if (!opts.yes && !(await ask(`${verb === 'deny' ? 'Deny' : 'Approve'} '${stepId}' as ${client.role}? [y/N] `))) {
      say('nothing decided\n');
      return 1;
    }
    const rows = await client.query<{ who: string }>('SELECT runbook.decide($1, $2, $3, $4) AS who',
      [runId, stepId, opts.deny !== undefined ? 'denied' : 'approved', opts.deny ?? null]).catch((e: unknown) => { throw refusal(e, stepId); });
    say(`${verb === 'deny' ? 'denied' : 'approved'} '${stepId}' of run ${runId} as ${rows[0]?.who ?? client.role}\n`);
    return 0;
  } finally {
    await client.end();
  }
}

/** The four-eyes gate of this step the run waits at now, as the store has it. */
async function waitingGate(client: StoreClient, runId: string, stepId: string): Promise<TranscriptLine & { type: 'confirmation-requested' }> {
  const rows = await client.query<{ seq: number; line: string }>(`SELECT seq, line FROM runbook.events
    WHERE run_id = $1 AND event->>'type' = 'confirmation-requested' AND event->>'stepId' = $2 ORDER BY seq DESC LIMIT 1`, [runId, stepId]);
  const row = rows[0];
  if (!row) throw new UserError(`run ${runId} is not waiting at a gate of '${stepId}' (no such gate in the store yet)`);
  const gate = JSON.parse(row.line) as TranscriptLine & { type: 'confirmation-requested' };
  if (!gate.approval) throw new UserError(`'${stepId}' is an ordinary gate: its driver answers it, not a second person`);
  const answered = await client.query(`SELECT 1 FROM runbook.events WHERE run_id = $1 AND seq > $2
    AND ((event->>'type' = 'confirmation-answered' AND event->>'stepId' = $3) OR event->>'type' = 'run-finished') LIMIT 1`, [runId, row.seq, stepId]);
  if (answered.length) throw new UserError(`the gate of '${stepId}' in run ${runId} was already answered (or the run ended)`);
  return gate;
}

async function ask(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new UserError('no terminal to ask on: give --yes to decide without being asked');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try { return /^y(es)?$/i.test((await rl.question(question)).trim()); } finally { rl.close(); }
}

function refusal(e: unknown, stepId: string): UserError {
  const code = (e as { code?: string }).code;
  if (code === '23505') return new UserError(`you already decided on '${stepId}'; a decision is final`);
  return new UserError(`the store refused: ${storeErrorText(e)}`);
}
