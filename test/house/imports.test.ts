// The house stays easy to change: no file of src/ reaches itself through its imports (type imports
// included: a type shared by two floors lives on the lower one), no folder (floor) reaches itself through
// the imports of its files, and no file grows past the size a reader takes in at once without saying so.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const SRC = resolve(import.meta.dirname, '..', '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The src files a file imports (static and type imports, re-exports; not `import()`, which loads lazily). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/^\s*(?:import|export)\b[^'";]*?from\s*['"](\.[^'"]+)['"]/gm)].map((m) => m[1]!);
  return found.map((spec) => {
    const base = resolve(dirname(file), spec).replace(/\.js$/, '');
    return [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((p) => { try { return statSync(p).isFile(); } catch { return false; } }) ?? base;
  });
}

/** Strongly connected components of more than one node (Tarjan), as paths relative to src/. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next); low.set(v, next); next++;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do { w = stack.pop()!; onStack.delete(w); component.push(relative(SRC, w)); } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

test('no import cycles among the files of src/, type imports included', () => {
  const files = sources(SRC);
  const graph = new Map(files.map((f) => [f, imports(f)]));
  assert.ok(files.length > 200, `${files.length} files read`);
  assert.deepEqual(cycles(graph), []);
});

test('the cycle finder finds a cycle (so the test above is not vacuous)', () => {
  const graph = new Map([[join(SRC, 'a.ts'), [join(SRC, 'b.ts')]], [join(SRC, 'b.ts'), [join(SRC, 'a.ts')]], [join(SRC, 'c.ts'), []]]);
  assert.deepEqual(cycles(graph), [['a.ts', 'b.ts']]);
});

/** The folder of src/ a file is in (its floor); a file directly in src/ is its own. */
const folderOf = (file: string): string => join(SRC, relative(SRC, file).split('/')[0]!);

/** Folder → the other folders its files import, each edge with one file import that makes it. */
function folderGraph(files: string[], importsOf: (file: string) => string[] = imports): { graph: Map<string, string[]>; why: Map<string, string> } {
  const graph = new Map<string, string[]>();
  const why = new Map<string, string>();
  for (const file of files) {
    const from = folderOf(file);
    if (!graph.has(from)) graph.set(from, []);
    for (const target of importsOf(file)) {
      const to = folderOf(target);
      if (to === from || graph.get(from)!.includes(to)) continue;
      graph.get(from)!.push(to);
      why.set(`${relative(SRC, from)} -> ${relative(SRC, to)}`, `${relative(SRC, file)} imports ${relative(SRC, target)}`);
    }
  }
  return { graph, why };
}

test('no import cycles among the folders of src/: each floor reads only from floors below it', () => {
  const { graph, why } = folderGraph(sources(SRC));
  assert.ok(graph.size >= 10, `${graph.size} folders read`);
  const found = cycles(graph);
  // Each folder of a circle with the imports that lead out of it to the others: where to cut.
  const detail = found.map((c) => c.map((a) => c.filter((b) => why.has(`${a} -> ${b}`)).map((b) => `${a} -> ${b} (${why.get(`${a} -> ${b}`)})`).join('; ')).join('\n'));
  assert.deepEqual(found, [], detail.join('\n\n'));
});

test('the folder check sees a circle of files that is no circle of files (so the test above is not vacuous)', () => {
  // a/x → b/y and b/z → a/w: no file reaches itself, but folder a reaches itself through b.
  const [x, y, z, w, v] = ['a/x.ts', 'b/y.ts', 'b/z.ts', 'a/w.ts', 'c/v.ts'].map((f) => join(SRC, f)) as [string, string, string, string, string];
  const edges = new Map([[x, [y]], [z, [w]], [v, [x]]]);
  const { graph, why } = folderGraph([x, y, z, w, v], (f) => edges.get(f) ?? []);
  assert.deepEqual(cycles(new Map([...edges, [y, []], [w, []]])), []);
  assert.deepEqual(cycles(graph), [['a', 'b']]);
  assert.equal(why.get('b -> a'), 'b/z.ts imports a/w.ts');
});
