// The variables a resume lets differ from the run's (issue #46): the rest of the environment must be the same,
// since any variable a step is given may choose where it acts (`psql "host=$ORDERS_HOST"`, a jdbc: URL, HOME's
// ~/.pgpass and ~/.pg_service.conf, PATH's psql). An allowlist, reviewed: each names the operator's terminal
// or login session, which a reconnect after a dropped SSH link or a new terminal changes, and no target.
// A runbook that chooses its server from one of these is not protected; docs/decisions.md says so.

const SESSION = new Set([
  // the terminal and its size, colours and multiplexer
  'TERM', 'COLORTERM', 'TERMINFO', 'TERM_PROGRAM', 'TERM_PROGRAM_VERSION', 'TERM_SESSION_ID', 'COLUMNS', 'LINES',
  'NO_COLOR', 'FORCE_COLOR', 'CLICOLOR', 'LS_COLORS', 'VTE_VERSION', 'WT_SESSION', 'WINDOWID',
  'TMUX', 'TMUX_PANE', 'STY', 'WINDOW', 'ZELLIJ', 'ZELLIJ_SESSION_NAME',
  // the login: SSH link, desktop, agent sockets
  'SSH_CLIENT', 'SSH_CONNECTION', 'SSH_TTY', 'SSH_AUTH_SOCK', 'SSH_AGENT_PID', 'GPG_TTY',
  'DISPLAY', 'WAYLAND_DISPLAY', 'XAUTHORITY', 'DBUS_SESSION_BUS_ADDRESS', 'DESKTOP_SESSION',
  'XDG_SESSION_ID', 'XDG_SESSION_TYPE', 'XDG_SESSION_CLASS', 'XDG_SESSION_DESKTOP', 'XDG_VTNR', 'XDG_SEAT',
  'KRB5CCNAME', // the login's Kerberos ticket cache: a file per login, the same principal
  // the interactive shell's own state
  'SHLVL', '_', 'OLDPWD', 'PWD', 'PS1', 'PS2', 'PS4', 'PROMPT_COMMAND', 'HISTFILE', 'HISTSIZE', 'HISTFILESIZE',
  'HISTCONTROL', 'MAIL', 'MAILCHECK', 'LESS', 'LESSOPEN', 'LESSCLOSE', 'PAGER', 'EDITOR', 'VISUAL',
  // the locale an SSH client forwards from the operator's laptop
  'LANG', 'LANGUAGE',
  // how the engine itself was started and reports (npm run, npx, from its sources, a stack trace, its validation
  // cache): not what its steps act on
  'INIT_CWD', 'RUNBOOK_FROM_SOURCE', 'RUNBOOK_DEBUG', 'RUNBOOK_NO_CACHE',
]);

/** Families: the locale's categories, npm's own (npm run, npx), and terminal emulators' window and pane ids. */
const SESSION_PREFIXES = ['LC_', 'npm_', 'ITERM_', 'KITTY_', 'ALACRITTY_', 'WEZTERM_', 'KONSOLE_', 'GNOME_TERMINAL_', 'VSCODE_'];

/** Whether `name` describes the operator's session, not where steps act: a resume lets it differ. */
export function isSessionVariable(name: string): boolean {
  return SESSION.has(name) || SESSION_PREFIXES.some((p) => name.startsWith(p));
}
