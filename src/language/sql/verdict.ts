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
}

export const read = (statements: number): SqlVerdict => ({ parsed: true, statements, readOnly: true });

export const notRead = (statements: number, why: string): SqlVerdict => ({ parsed: true, statements, readOnly: false, why });

export const unparsed = (why: string): SqlVerdict => ({ parsed: false, statements: 0, readOnly: false, why: `cannot be proven read-only: ${why}` });

/** `AlterTableStmt` → `ALTER TABLE`: PostgreSQL's node names read as the statement's words. */
export function statementWords(node: string): string {
  return node.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}

/** "a DELETE statement", "an INSERT statement". */
export const aStatement = (words: string): string => `${/^[AEIOU]/i.test(words) ? 'an' : 'a'} ${words} statement`;
