// The names an expression reads: its root identifiers and, for inputs/steps, the member read right after.
import type { Node } from './ast.js';

export interface Reference { root: string; member?: string; pos: number }

export function references(node: Node): Reference[] {
  const out: Reference[] = [];
  walk(node, out);
  return out;
}

function walk(node: Node, out: Reference[]): void {
  switch (node.type) {
    case 'ident': out.push({ root: node.name, pos: node.pos }); return;
    case 'member': {
      if (node.object.type === 'ident' && node.property.type === 'literal' && typeof node.property.value === 'string') {
        out.push({ root: node.object.name, member: node.property.value, pos: node.object.pos });
        if (node.computed) walk(node.property, out);
        return;
      }
      walk(node.object, out);
      if (node.computed) walk(node.property, out);
      return;
    }
    case 'call': node.args.forEach((a) => walk(a, out)); return;
    case 'array': node.items.forEach((a) => walk(a, out)); return;
    case 'unary': walk(node.arg, out); return;
    case 'binary': case 'logical': walk(node.left, out); walk(node.right, out); return;
    case 'conditional': walk(node.test, out); walk(node.then, out); walk(node.else, out); return;
    case 'literal': return;
  }
}
