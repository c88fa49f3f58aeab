// The names an expression reads: its root identifiers and, for inputs/steps, the member read right after.
import type { Node } from './ast.js';

export interface Reference { root: string; member?: string; pos: number }

/** By tree: parsed trees are shared and never changed (parse.ts), and the validator's checks each ask. The
 *  list is shared too: read it, do not change it. */
const known = new WeakMap<Node, readonly Reference[]>();

export function references(node: Node): readonly Reference[] {
  let out = known.get(node);
  if (!out) {
    const list: Reference[] = [];
    walk(node, list);
    known.set(node, out = list);
  }
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
