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
  /**
   * It may act: `safe_because` cannot vouch for it. Everything that is not a provable plain read acts — another
   * kind of statement, a nested write, a row lock, SELECT INTO, a variable assignment, a function known to act,
   * a text no grammar reads — except a plain read whose only unproven part is a call of a function, operator
   * or type the lists do not know (a stored function, say): that one the author may vouch for.
   */
  acts?: boolean;
}

/**
 * One reason a statement is not a plain read. `vouchable`: the statement is a plain read whose only doubt is
 * a function, operator or type not known to be read-only; anything else acts (fail closed).
 */
export interface Finding { why: string; vouchable?: true }

/** An unknown function, operator or type: the one doubt `safe_because` may vouch for. */
export const unknownCode = (why: string): Finding => ({ why, vouchable: true });

/** The finding that matters most: one that acts (safe_because cannot cover it), else the first. */
export const worst = (findings: Finding[]): Finding | undefined => findings.find((f) => !f.vouchable) ?? findings[0];

export const read = (statements: number): SqlVerdict => ({ parsed: true, statements, readOnly: true });

export const notRead = (statements: number, finding: Finding): SqlVerdict =>
  ({ parsed: true, statements, readOnly: false, why: finding.why, ...(finding.vouchable ? {} : { acts: true }) });

/** A text no grammar reads acts: nothing about it is proven. `statements`: how many a lexer still counted
 *  (0 when nothing could be read). */
export const unparsed = (why: string, statements = 0): SqlVerdict =>
  ({ parsed: false, statements, readOnly: false, why: `cannot be proven read-only: ${why}`, acts: true });

/** `AlterTableStmt` → `ALTER TABLE`: PostgreSQL's node names read as the statement's words. */
export function statementWords(node: string): string {
  return node.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}

/** "a DELETE statement", "an INSERT statement". */
export const aStatement = (words: string): string => `${/^[AEIOU]/i.test(words) ? 'an' : 'a'} ${words} statement`;

/** What safe_because may vouch for, said wherever it is refused. */
export const CANNOT_VOUCH = "'safe_because' vouches only for a plain read that calls a function, operator or type not known to be read-only; anything else acts";
