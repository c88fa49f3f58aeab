// The operator's session in the environment (issue #46): the variables a resume lets differ from the run's. The
// rest of the environment must be the same, since any variable a step is given may choose where it acts
// (`psql "host=$ORDERS_HOST"`, a jdbc: URL, HOME's ~/.pgpass and ~/.pg_service.conf, PATH's psql). Two reviewed
// lists, each a variable a reconnect after a dropped SSH link, a new terminal or another launcher changes:
// - given to steps: each names no place a program reaches or acts on (a description of the terminal or link,
//   the locale's categories, the login's own credentials: which key or ticket, never which server);
// - handles, never given to a step: each names something a program connects to or acts through (a multiplexer's
//   server, a terminal, a desktop's display or bus, an editor or pager to start, how the engine was started).
//   A probe of stop 78 resumed with TMUX naming another tmux server, and `tmux send-keys -t app` restarted the
//   other server's app; an `LC_APP_DIR` (LC_* rides SSH's AcceptEnv) moved a resumed step's writes elsewhere.
// A step sees the same of the session in a run and in its resume, or nothing: what differs is never read.

/** The locale's categories (glibc's), which LC_ALL sets besides LC_CTYPE. */
export const LC_CATEGORIES = ['LC_COLLATE', 'LC_MESSAGES', 'LC_MONETARY', 'LC_NUMERIC', 'LC_TIME', 'LC_PAPER', 'LC_NAME', 'LC_ADDRESS',
  'LC_TELEPHONE', 'LC_MEASUREMENT', 'LC_IDENTIFICATION'] as const;

/** May differ, given to steps: exact names, each reviewed as naming no place. */
const GIVEN = new Set<string>([
  // the terminal's kind, size and colours (a step has no terminal; its programs format for one)
  'TERM', 'COLORTERM', 'TERMINFO', 'TERM_PROGRAM', 'TERM_PROGRAM_VERSION', 'COLUMNS', 'LINES',
  'NO_COLOR', 'FORCE_COLOR', 'CLICOLOR', 'LS_COLORS', 'VTE_VERSION',
  // the SSH link as text, and the login's credentials: which key or ticket authenticates, never which server
  // (an SSH target is identified by its host key, a database by what it answers)
  'SSH_CLIENT', 'SSH_CONNECTION', 'SSH_AUTH_SOCK', 'SSH_AGENT_PID', 'KRB5CCNAME',
  'XDG_SESSION_TYPE', 'XDG_SESSION_CLASS', 'XDG_SESSION_DESKTOP', 'DESKTOP_SESSION',
  // set by the engine or bash for every step whatever the operator's were (shell.ts, physical-pwd.ts)
  'SHLVL', '_', 'OLDPWD', 'PWD', 'PS1', 'PS2',
  // the locale an SSH client forwards from the operator's laptop: its categories by name (iTerm2 sends its own
  // two the same way); any other LC_ name is an ordinary variable, since `LC_*` is how a value rides AcceptEnv
  'LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', ...LC_CATEGORIES, 'LC_TERMINAL', 'LC_TERMINAL_VERSION',
]);

/** May differ, never given to a step: a multiplexer's server or pane, a terminal, the desktop, an interactive
 *  shell's files and commands, how the engine itself was started. */
const HANDLES = new Set<string>([
  'TMUX', 'TMUX_PANE', 'STY', 'WINDOW', 'ZELLIJ', 'ZELLIJ_SESSION_NAME', 'ZELLIJ_PANE_ID',
  'TERM_SESSION_ID', 'WT_SESSION', 'WINDOWID', 'SSH_TTY', 'GPG_TTY',
  'DISPLAY', 'WAYLAND_DISPLAY', 'XAUTHORITY', 'DBUS_SESSION_BUS_ADDRESS', 'XDG_SESSION_ID', 'XDG_VTNR', 'XDG_SEAT',
  'PROMPT_COMMAND', 'HISTFILE', 'HISTSIZE', 'HISTFILESIZE', 'HISTCONTROL', 'MAIL', 'MAILCHECK',
  'LESS', 'LESSOPEN', 'LESSCLOSE', 'PAGER', 'EDITOR', 'VISUAL',
  'INIT_CWD', 'RUNBOOK_FROM_SOURCE', 'RUNBOOK_DEBUG', 'RUNBOOK_NO_CACHE',
]);

/** Families of handles: terminal emulators' control sockets and window ids (kitty's KITTY_LISTEN_ON, WezTerm's
 *  WEZTERM_UNIX_SOCKET, VS Code's VSCODE_IPC_HOOK_CLI) and npm's own (npm run, npx: npm_config_* is npm's
 *  configuration, a registry among it). Never given to a step, so a prefix that takes in more hides more. */
const HANDLE_PREFIXES = ['npm_', 'ITERM_', 'KITTY_', 'ALACRITTY_', 'WEZTERM_', 'KONSOLE_', 'GNOME_TERMINAL_', 'VSCODE_'];

/** A handle of the operator's session: may differ on resume, and no step is given it. */
export function isSessionHandle(name: string): boolean {
  return HANDLES.has(name) || HANDLE_PREFIXES.some((p) => name.startsWith(p));
}

/** Whether `name` belongs to the operator's session, not to where steps act: a resume lets it differ. */
export function isSessionVariable(name: string): boolean {
  return GIVEN.has(name) || isSessionHandle(name);
}

/** `env` as a step may be given it: without the session's handles, which a resume does not compare. */
export function withoutSessionHandles(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // fromEntries defines each key (an assignment to a variable named __proto__ would set the prototype instead).
  return Object.fromEntries(Object.entries(env).filter(([name]) => !isSessionHandle(name)));
}
