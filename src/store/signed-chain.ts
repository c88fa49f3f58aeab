// The one check of a store copy's signatures, for every reader of it: `follow`, `store push` and a driver's
// first contact (uploader.ts), and a resume's fetch. The hashes it is given were computed on this machine from
// the lines (never the store's own hash column): a signature at a line covers every line before it, so the
// newest signature within the lines is the one checked with ssh-keygen; older ones need only match the chain.
import type { StoreClient } from './client.js';
import { verifyHead, type Trust } from './signing.js';

export interface StoredSignature { seq: number; hash: string; signature: string }

/** The signatures of a run after `afterSeq`, in order. */
export const storedSignatures = (client: StoreClient, runId: string, afterSeq = -1): Promise<StoredSignature[]> =>
  client.query<StoredSignature>('SELECT seq, hash, signature FROM runbook.signatures WHERE run_id = $1 AND seq > $2 ORDER BY seq', [runId, afterSeq]);

/** `signedThrough`: the last line a checked signature covers (-1: none); `principal`: whose key signed it. A
 *  signature after the lines given is not looked at: it is checked with the lines it covers, or not at all. */
export type SignatureVerdict = { broken: string } | { signedThrough: number; principal?: string; unchecked: boolean };

/** `hashes`: the chain's hash at each line given, as computed here. Without `trust` the signatures are matched to
 *  the chain only (`unchecked`): who signed cannot be known without the team's allowed signers. */
export async function checkSignatures(trust: Trust | undefined, runId: string, hashes: Map<number, string>, signatures: StoredSignature[]): Promise<SignatureVerdict> {
  let newest: StoredSignature | undefined;
  for (const s of signatures) {
    const mine = hashes.get(s.seq);
    if (mine === undefined) continue;
    if (s.hash !== mine) return { broken: `the lines up to event ${s.seq} are not the ones signed there (the chain was rewritten)` };
    newest = s;
  }
  if (!newest) return { signedThrough: -1, unchecked: !trust };
  if (!trust) return { signedThrough: newest.seq, unchecked: true };
  const v = await verifyHead(trust, runId, newest.seq, newest.hash, newest.signature);
  if ('bad' in v) return { broken: v.bad };
  return { signedThrough: newest.seq, principal: v.principal, unchecked: false };
}
