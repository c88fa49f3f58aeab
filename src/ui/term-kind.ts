// Whether $TERM names a terminal that can take the ink UI's cursor movement. TERM=dumb (Emacs shell, some
// CI consoles), an empty TERM, and names no terminal we know draw garbage: those get plain mode.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

// Families that all move the cursor the way ink needs (ANSI / VT100 and up).
const KNOWN = /^(xterm|screen|tmux|rxvt|urxvt|linux|vt1\d\d|vt2\d\d|vt[3-5]\d\d|ansi|alacritty|kitty|wezterm|foot|st|konsole|gnome|putty|cygwin|ms-terminal|contour|iterm|eterm|mlterm|kterm|terminator|termite|rio|ghostty)([-.+].*)?$/;

/** True when the ink UI may draw on a terminal with this $TERM: a known family, or one with a terminfo entry. */
export function termCanDraw(env: NodeJS.ProcessEnv = process.env): boolean {
  const term = env.TERM?.trim() ?? '';
  if (term === '' || term === 'dumb' || term.startsWith('dumb-')) return false;
  return KNOWN.test(term) || hasTerminfo(term, env);
}

function hasTerminfo(term: string, env: NodeJS.ProcessEnv): boolean {
  const dirs = [env.TERMINFO, join(homedir(), '.terminfo'), ...(env.TERMINFO_DIRS ?? '').split(':'), '/etc/terminfo', '/lib/terminfo', '/usr/share/terminfo']
    .filter((d): d is string => Boolean(d));
  // ncurses files entries under their first letter, or (macOS) its hex code.
  const subdirs = [term[0]!, term.charCodeAt(0).toString(16)];
  return dirs.some((d) => subdirs.some((s) => existsSync(join(d, s, term))));
}

// Families with an alternate screen (xterm's ?1049): the live view draws there, so resizing never pushes its
// rows into the scrollback, and leaving it gives back the operator's screen as it was. The Linux console,
// VT100s, ANSI and unknown terminals draw in place instead.
const ALTERNATE = /^(xterm|screen|tmux|rxvt|urxvt|alacritty|kitty|wezterm|foot|st|konsole|gnome|putty|cygwin|ms-terminal|contour|iterm|eterm|mlterm|terminator|termite|rio|ghostty)([-.+].*)?$/;

export function termHasAlternateScreen(env: NodeJS.ProcessEnv = process.env): boolean {
  return ALTERNATE.test(env.TERM?.trim() ?? '');
}
