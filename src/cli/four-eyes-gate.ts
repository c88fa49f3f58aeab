// The driver's side of a four-eyes gate (a step's `approval:`): a small listener beside the UI, not part of
// the engine. When such a gate opens it says who may answer and how, waits for a teammate's decision in the
// store and hands it to the run (recorded like any answer, with the approver the database named). With the
// store down it says so and keeps trying; `--break-glass "<reason>"` lets the driver go on, recorded as such.
// Never a silent self-approval: the engine refuses any other yes at such a gate (engine/four-eyes.ts).
// What it says goes through the team feed: the terminal UI draws the wait in the gate's panel, plain mode
// gets the lines on stderr.
import type { Run } from '../engine/run.js';
import type { GateWait, TeamFeed } from '../ui/team-feed.js';

export interface FourEyesOptions {
  /** The store URL; undefined when none is configured. */
  url: string | undefined;
  /** The run's id in the store (the transcript header's). */
  runId(): string | undefined;
  breakGlass?: string | undefined;
  feed: TeamFeed;
}

export function attachFourEyes(run: Run, o: FourEyesOptions): () => void {
  const waits = new Map<string, AbortController>();
  const say = (m: string, drawnElsewhere = false) => o.feed.say(`four eyes: ${m}`, drawnElsewhere);
  const breakGlass = (stepId: string, why: string) => {
    say(`${why}; BREAK GLASS: ${run.operator} goes on without a second person: ${o.breakGlass}`);
    queueMicrotask(() => run.confirm(stepId, 'yes', 'break-glass', { reason: o.breakGlass! }));
  };
  const open = (stepId: string, gate: string) => {
    const runId = o.runId();
    if (!o.url || !runId) {
      const why = `'${stepId}' needs a teammate's approval, and no team store is configured`;
      if (o.breakGlass) return breakGlass(stepId, why);
      say(`${why} (--store, RUNBOOK_STORE or runbook.config.yaml; docs/team.md), or record --break-glass "<reason>"`, true);
      queueMicrotask(() => run.abort(`Step '${stepId}' needs a second person's approval and no team store is configured (--store, RUNBOOK_STORE or runbook.config.yaml; docs/team.md); or run again with --break-glass "<reason>".`, 'failed'));
      return;
    }
    const stop = new AbortController();
    waits.set(stepId, stop);
    const command = `runbook approve ${runId} ${stepId}`;
    let wait: GateWait = { stepId, command, store: 'connecting' };
    const show = (w: Partial<GateWait>) => { wait = { ...wait, ...w }; if (!stop.signal.aborted) o.feed.setWait(wait); };
    show({});
    say(`'${stepId}' waits for a teammate: ${command}   (or --deny "<reason>")`, true);
    let down = false;
    void import('../store/approval-wait.js').then(({ waitForDecision }) => waitForDecision({
      url: o.url!, runId, stepId, gate, signal: stop.signal,
      onUnreachable: (why) => {
        if (o.breakGlass) { stop.abort(); breakGlass(stepId, `the store is unreachable (${why})`); return; }
        down = true;
        show({ store: 'unreachable', why });
        say(`the store is unreachable (${why}); '${stepId}' still waits, trying again. The driver may record --break-glass "<reason>" instead.`, true);
      },
      onReachable: () => {
        if (down) say(`the store is reachable again; '${stepId}' waits for a teammate`, true);
        down = false;
        show({ store: 'reachable', why: undefined });
      },
      onWho: (mayApprove) => {
        if (wait.mayApprove !== mayApprove) say(`may approve: ${mayApprove}`, true);
        show({ mayApprove });
      },
    })).then((d) => {
      waits.delete(stepId);
      if (!d || stop.signal.aborted) return;
      const details = { approver: d.approver, decidedAt: new Date(d.decided_at).toISOString(), gate: d.gate, ...(d.reason ? { reason: d.reason } : {}) };
      run.confirm(stepId, d.decision === 'approved' ? 'yes' : 'skip', 'four-eyes', details);
    }, (e: unknown) => say(`cannot wait for '${stepId}': ${(e as Error).message}`));
  };
  const close = (stepId: string) => {
    waits.get(stepId)?.abort();
    waits.delete(stepId);
    if (o.feed.get().wait?.stepId === stepId) o.feed.setWait(undefined);
  };
  const off = run.on((e) => {
    if (e.type === 'confirmation-requested' && e.approval && e.gate && !run.result) open(e.stepId, e.gate);
    else if (e.type === 'confirmation-answered') close(e.stepId);
    else if (e.type === 'run-finished') for (const id of [...waits.keys()]) close(id);
  });
  return () => { off(); for (const id of [...waits.keys()]) close(id); };
}
