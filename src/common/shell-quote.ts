// One word for a POSIX shell: bare when every character is inert there, else single-quoted (each ' closed,
// escaped and reopened). For what a person reads (a gate's display) and for a command line a remote shell reads.
export function shellQuote(v: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(v)) return v;
  return `'${v.replace(/'/g, `'\\''`)}'`;
}
