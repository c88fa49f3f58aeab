// Where a run acts, besides its connections (issue #46), as its header records it: the working directory its
// relative paths and `cwd:` steps resolve against, the database servers its environment names in a URL (shown
// password-free in a refusal), every other variable of its environment as a digest, its inputs' values as keyed
// fingerprints, and the client configuration files that decide where a client connects, by content hash.
// resume/place.ts makes and compares it; this is only the record.

export interface RunPlace {
  cwd: string;
  /** Variable → the database server its URL names, without a password: what a refusal can show. */
  serverEnv: Record<string, string>;
  /** Every variable a step may be given but the operator's session (common/session-env.ts), as a digest salted
   *  per run: a value may be a secret, so it is compared, never written. */
  envDigest?: EnvDigest;
  /** Every input's value as the run resolved it, fingerprinted (resume/input-prints.ts): `-i url=…` or a secret
   *  typed again on resume may name another server, which a shell step then acts on. */
  inputPrints?: InputPrints;
  /** The client configuration files that choose a client's server (resume/client-files.ts), by content. */
  clientFiles?: ClientFile[];
}

/** `key`: the id of the record key the digests (and the client files' contents) were made with (resume/record-key.ts);
 *  none in a header from before it (plain sha256). */
export interface EnvDigest { salt: string; digests: Record<string, string>; key?: string }

/** The kdfs an input's print is made with: an HMAC under the record key, a secret's value stretched (scrypt)
 *  first; `sha256` and `scrypt-n16384-r8-p1` alone only in a header from before the key on prints (stop 72). */
export type PrintKdf = 'hmac-sha256' | 'scrypt-n16384-r8-p1+hmac-sha256' | 'sha256' | 'scrypt-n16384-r8-p1';
export interface InputPrint { name: string; kdf: PrintKdf; print: string }
/** `key`: the id of the record key the prints were made with; none before stop 72. */
export interface InputPrints { salt: string; key?: string; prints: InputPrint[] }

/** `content`: the file's keyed digest (sha256 before the record key), `missing`, or `unreadable (CODE)` / `not a file`: compared as text. */
export interface ClientFile { path: string; content: string }
