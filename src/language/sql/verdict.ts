// What the SQL classifier says about one text for one engine.

export type SqlEngine = 'postgres' | 'mysql';

export interface SqlVerdict {
  /** The engine's grammar read the text (false: it could not, so nothing is proven). */
  parsed: boolean;
  /** Statements the parser found (0: only comments or nothing). */
  statements: number;
  /** Every statement is a plain read that calls only functions known to be read-only. */
  readOnly: boolean;
  /** When not read-only: what made it so, as a phrase after the step id ("is a DELETE statement"). */
  why?: string;
  /** It calls a function known to act on the server: `safe_because` cannot vouch for it. */
  acts?: boolean;
}

/** One reason a statement is not a plain read. */
export interface Finding { why: string; acts?: boolean }

/** The finding that matters most: one that acts (safe_because cannot cover it), else the first. */
export const worst = (findings: Finding[]): Finding | undefined => findings.find((f) => f.acts) ?? findings[0];

export const read = (statements: number): SqlVerdict => ({ parsed: true, statements, readOnly: true });

export const notRead = (statements: number, why: string, acts = false): SqlVerdict =>
  ({ parsed: true, statements, readOnly: false, why, ...(acts ? { acts } : {}) });

/** `statements`: how many a lexer still counted (0 when nothing could be read). */
export const unparsed = (why: string, acts = false, statements = 0): SqlVerdict =>
  ({ parsed: false, statements, readOnly: false, why: `cannot be proven read-only: ${why}`, ...(acts ? { acts } : {}) });

/** `AlterTableStmt` → `ALTER TABLE`: PostgreSQL's node names read as the statement's words. */
export function statementWords(node: string): string {
  return node.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}

/** "a DELETE statement", "an INSERT statement". */
export const aStatement = (words: string): string => `${/^[AEIOU]/i.test(words) ? 'an' : 'a'} ${words} statement`;
