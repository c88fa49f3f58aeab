// Where a run acts, besides its connections (issue #46), as its header records it: the working directory its
// relative paths and `cwd:` steps resolve against, the database servers its environment names in a URL (shown
// password-free in a refusal), and every other variable of its environment as a digest. resume/place.ts makes
// and compares it; this is only the record.

export interface RunPlace {
  cwd: string;
  /** Variable → the database server its URL names, without a password: what a refusal can show. */
  serverEnv: Record<string, string>;
  /** Every variable a step may be given but the operator's session (resume/session-env.ts), as a digest salted
   *  per run: a value may be a secret, so it is compared, never written. */
  envDigest?: EnvDigest;
}

export interface EnvDigest { salt: string; digests: Record<string, string> }
