// A tmux client smaller than its window sees only part of it (a probe of stop 68): with window-size manual, or a
// larger client setting the size, the pty — and so the frame — is 200x50 while the operator's 80x20 client shows
// its top left; nothing is resized, so no SIGWINCH says so. Inside tmux (TMUX and TMUX_PANE set), tmux itself is
// asked, at the moment it matters (a yes, a page counted as read), whether an attached client showing this
// window is smaller than the window. Anything it cannot answer counts as not hiding: outside tmux there is nothing
// to ask, and the gate's own rules still hold. Never cached: a client attaching changes the answer, and no resize
// says so.
import { spawnSync } from 'node:child_process';
import { inheritedEnv } from '../secrets/credential-env.js';

const ask = (socket: string, args: string[]): string | undefined => {
  // No credential of the run's environment: tmux needs none.
  const r = spawnSync('tmux', ['-S', socket, ...args], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'], env: inheritedEnv(process.env, []) });
  return r.status === 0 ? r.stdout : undefined;
};

/** Whether the frame, laid out for `frame` (the pty's size), is not what tmux shows: the pane is another size (a
 *  probe of stop 69: `stty rows 40` in a 24-row pane, and tmux drew the frame's bottom 24 rows, the gate's command
 *  above them), or a tmux client attached to this pane's window shows less than the whole window. */
export function tmuxHidesPart(frame?: { columns: number; rows: number }, env: NodeJS.ProcessEnv = process.env): boolean {
  const socket = env.TMUX?.split(',')[0];
  const pane = env.TMUX_PANE;
  if (!socket || !pane) return false;
  const mine = ask(socket, ['display-message', '-p', '-t', pane, '#{window_id} #{window_width} #{window_height} #{pane_width} #{pane_height}'])?.trim().split(' ');
  if (!mine || mine.length < 5) return false;
  const [window, width, height] = [mine[0]!, Number(mine[1]), Number(mine[2])];
  if (frame && (Number(mine[3]) !== frame.columns || Number(mine[4]) !== frame.rows)) return true;
  // Every client of the server, not only the pane's session's: a client of a grouped or linked session shows the
  // same window, and tmux names only one session for a pane (a lead of a probe of stop 70).
  const clients = ask(socket, ['list-clients', '-F', '#{client_width} #{client_height} #{window_id} #{status}']) ?? '';
  return clients.split('\n').filter(Boolean).some((line) => {
    const [cw, ch, win, status] = line.split(' ');
    const statusRows = status === 'off' ? 0 : status === 'on' ? 1 : Number(status) || 0;
    return win === window && (Number(cw) < width || Number(ch) - statusRows < height);
  });
}
