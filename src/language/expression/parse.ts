// A small precedence-climbing parser: no eval, no Function, nothing but the grammar in docs/expressions.md.
import { ExpressionError, type BinaryOp, type Node } from './ast.js';
import { tokenize, type Token } from './tokenize.js';
import { FUNCTIONS } from './functions.js';

const BINARY_LEVELS: string[][] = [
  ['==', '!=', '<', '<=', '>', '>=', 'in', 'contains', 'matches'],
  ['+', '-'],
  ['*', '/', '%'],
];
const MAX_DEPTH = 64;
/** Long operator chains parse in a loop but build a tree as deep as they are long, which evaluation and
 *  the validator walk recursively: `a + a + …` 10,000 times would overflow the stack. */
const MAX_TOKENS = 2000;

/** Parsed trees by text: the validator's checks each read the same expressions, and the run evaluates the same
 *  few again and again. Trees are never changed after parsing (every consumer reads them, or copies). A text
 *  that does not parse is not kept: it throws each time, as before. */
const parsed = new Map<string, Node>();
const MAX_PARSED = 5000;

export function parseExpression(src: string): Node {
  let node = parsed.get(src);
  if (node) return node;
  node = parseFresh(src);
  if (parsed.size >= MAX_PARSED) parsed.clear();
  parsed.set(src, node);
  return node;
}

function parseFresh(src: string): Node {
  const tokens = tokenize(src);
  if (tokens.length > MAX_TOKENS) throw new ExpressionError(`expression is too long (over ${MAX_TOKENS} tokens)`, tokens[MAX_TOKENS]!.pos);
  const p = new Parser(tokens);
  const node = p.conditional();
  p.expectEnd();
  return node;
}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token { return this.tokens[this.i] ?? { kind: 'eof', pos: 0 }; }
  private next(): Token { return this.tokens[this.i++] ?? { kind: 'eof', pos: 0 }; }
  private isOp(v: string): boolean { const t = this.peek(); return t.kind === 'op' && t.value === v; }
  private isWord(v: string): boolean { const t = this.peek(); return t.kind === 'ident' && t.value === v; }
  private expect(v: string): void {
    if (!this.isOp(v)) throw new ExpressionError(`expected '${v}' but found ${describe(this.peek())}`, this.peek().pos);
    this.i++;
  }
  expectEnd(): void {
    const t = this.peek();
    if (t.kind !== 'eof') throw new ExpressionError(`unexpected ${describe(t)}`, t.pos);
  }

  conditional(): Node {
    if (++this.depth > MAX_DEPTH) throw new ExpressionError('expression nested too deeply', this.peek().pos);
    const test = this.logical('||');
    let node = test;
    if (this.isOp('?')) {
      this.i++;
      const then = this.conditional();
      this.expect(':');
      node = { type: 'conditional', test, then, else: this.conditional(), pos: test.pos };
    }
    this.depth--;
    return node;
  }

  private logical(op: '||' | '&&'): Node {
    let left = op === '||' ? this.logical('&&') : this.not();
    while (this.isOp(op)) {
      this.i++;
      const right = op === '||' ? this.logical('&&') : this.not();
      left = { type: 'logical', op, left, right, pos: left.pos };
    }
    return left;
  }

  private not(): Node {
    if (this.isOp('!')) {
      const pos = this.next().pos;
      return { type: 'unary', op: '!', arg: this.not(), pos };
    }
    return this.binary(0);
  }

  private binary(level: number): Node {
    const ops = BINARY_LEVELS[level];
    if (!ops) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      const op = (t.kind === 'op' || t.kind === 'ident') && ops.includes(t.value) ? t.value : null;
      if (!op) return left;
      this.i++;
      const right = this.binary(level + 1);
      left = { type: 'binary', op: op as BinaryOp, left, right, pos: t.pos };
      if (level === 0) return left; // comparisons do not chain: a < b < c is an error
    }
  }

  private unary(): Node {
    if (this.isOp('-')) { const pos = this.next().pos; return { type: 'unary', op: '-', arg: this.unary(), pos }; }
    if (this.isOp('!')) { const pos = this.next().pos; return { type: 'unary', op: '!', arg: this.unary(), pos }; }
    return this.postfix(this.primary());
  }

  private postfix(node: Node): Node {
    for (;;) {
      if (this.isOp('.')) {
        this.i++;
        const t = this.next();
        if (t.kind !== 'ident') throw new ExpressionError(`expected a property name after '.'`, t.pos);
        node = { type: 'member', object: node, property: { type: 'literal', value: t.value, pos: t.pos }, computed: false, pos: node.pos };
      } else if (this.isOp('[')) {
        this.i++;
        const property = this.conditional();
        this.expect(']');
        node = { type: 'member', object: node, property, computed: true, pos: node.pos };
      } else {
        return node;
      }
    }
  }

  private primary(): Node {
    const t = this.next();
    if (t.kind === 'num' || t.kind === 'str') return { type: 'literal', value: t.value, pos: t.pos };
    if (t.kind === 'ident') return this.identifier(t.value, t.pos);
    if (t.kind === 'op' && t.value === '(') { const e = this.conditional(); this.expect(')'); return e; }
    if (t.kind === 'op' && t.value === '[') return this.array(t.pos);
    throw new ExpressionError(t.kind === 'eof' ? 'expression ends too early' : `unexpected ${describe(t)}`, t.pos);
  }

  private identifier(name: string, pos: number): Node {
    if (name === 'true' || name === 'false') return { type: 'literal', value: name === 'true', pos };
    if (name === 'null') return { type: 'literal', value: null, pos };
    if (!this.isOp('(')) return { type: 'ident', name, pos };
    if (!FUNCTIONS.has(name)) throw new ExpressionError(`unknown function '${name}' (known: ${[...FUNCTIONS.keys()].join(', ')})`, pos);
    this.i++;
    const args: Node[] = [];
    while (!this.isOp(')')) {
      args.push(this.conditional());
      if (!this.isOp(')')) this.expect(',');
    }
    this.i++;
    return { type: 'call', callee: name, args, pos };
  }

  private array(pos: number): Node {
    const items: Node[] = [];
    while (!this.isOp(']')) {
      items.push(this.conditional());
      if (!this.isOp(']')) this.expect(',');
    }
    this.i++;
    return { type: 'array', items, pos };
  }
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'end of expression';
  if (t.kind === 'str') return `string "${t.value}"`;
  return `'${String(t.value)}'`;
}
