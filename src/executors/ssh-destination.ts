// How an SSH destination may be written: what ssh itself takes (an ~/.ssh/config alias, `[user@]host`,
// `ssh://[user@]host[:port]`), and also `[user@]host:port` (`[user@][v6addr]:port`), which ssh alone would read as
// a host named `host:port`. That form is passed on as the ssh:// URI it means, so ssh, ssh -G and the gate all
// read the same port.

/** The destination as ssh will be given it; throws (a one-line message) when it names a port twice. */
export function sshDestination(destination: string, port: number | undefined): string {
  const m = /^(?:([^@\s/]+)@)?([^@\s:/[\]]+|\[[0-9A-Fa-f:.%]+\]):(\d{1,5})$/.exec(destination);
  const uri = /^ssh:\/\/(?:[^@\s/]+@)?(?:[^@\s:/[\]]+|\[[0-9A-Fa-f:.%]+\])(?::(\d{1,5}))?\/?$/.exec(destination);
  const named = m?.[3] ?? uri?.[1];
  if (named !== undefined) {
    const n = Number(named);
    if (!(n > 0 && n < 65536)) throw new Error(`the ssh destination '${destination}' names port ${named}, which is not a port`);
    if (port !== undefined && port !== n) throw new Error(`the ssh destination '${destination}' names port ${n} and the target's port is ${port}: give one`);
  }
  if (m) return `ssh://${m[1] !== undefined ? `${m[1]}@` : ''}${m[2]}:${m[3]}`;
  return destination;
}

/** What --help and the inputs' descriptions say a destination may be. */
export const SSH_DESTINATION_FORMS = '[user@]host, [user@]host:port, ssh://[user@]host[:port], or an ~/.ssh/config alias';
