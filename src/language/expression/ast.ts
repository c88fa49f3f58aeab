// The expression language's syntax tree. Grammar: docs/expressions.md.
export type Node =
  | { type: 'literal'; value: string | number | boolean | null; pos: number }
  | { type: 'ident'; name: string; pos: number }
  | { type: 'member'; object: Node; property: Node; computed: boolean; pos: number }
  | { type: 'call'; callee: string; args: Node[]; pos: number }
  | { type: 'unary'; op: '!' | '-'; arg: Node; pos: number }
  | { type: 'binary'; op: BinaryOp; left: Node; right: Node; pos: number }
  | { type: 'logical'; op: '&&' | '||'; left: Node; right: Node; pos: number }
  | { type: 'conditional'; test: Node; then: Node; else: Node; pos: number }
  | { type: 'array'; items: Node[]; pos: number };

export type BinaryOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | 'in' | 'contains' | 'matches';

/** A syntax or evaluation error; `pos` is the 0-based offset in the expression text. */
export class ExpressionError extends Error {
  constructor(message: string, readonly pos: number) { super(message); this.name = 'ExpressionError'; }
}
