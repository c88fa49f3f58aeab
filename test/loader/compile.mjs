// Compiles the test files once per suite run: each test file is bundled with the src/ and test/ modules it imports
// (esbuild; packages stay external, shared code in shared chunks), so a test process loads a few JavaScript files
// instead of starting tsx and transforming the same two hundred TypeScript files again (about half a second of
// CPU per test file). What a module reads of its own location (import.meta.url, .dirname, .filename) is written in
// as the .ts file's, so every path a test or src/ derives from it is unchanged. Inline source maps: with
// --enable-source-maps a failure points at the .ts line.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The compiled form of test file `file` (relative to root) in `out`; timesReporter maps it back. */
export function compiledName(file) {
  return `${file}.mjs`;
}

/** Bundles every test file of `files` (paths relative to root) into `out`, which must be under root (the bundles
 *  import packages from root/node_modules). */
export async function compileTests(root, out, files) {
  await build({
    absWorkingDir: root,
    entryPoints: files.map((file) => ({ in: file, out: file })),
    outdir: out,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
    plugins: [ownLocation(root)],
  });
}

/** import.meta.url, .dirname and .filename as literals of the source file's own location. */
function ownLocation(root) {
  const own = (path) => ({
    'import.meta.url': JSON.stringify(pathToFileURL(path).href),
    'import.meta.dirname': JSON.stringify(dirname(path)),
    'import.meta.filename': JSON.stringify(path),
  });
  return {
    name: 'own-location',
    setup(b) {
      b.onLoad({ filter: /\.tsx?$/ }, (args) => {
        if (relative(root, args.path).startsWith('..')) return undefined;
        let text = readFileSync(args.path, 'utf8');
        if (text.includes('import.meta.')) {
          for (const [name, value] of Object.entries(own(args.path))) text = text.replaceAll(new RegExp(`${name.replaceAll('.', '\\.')}\\b`, 'g'), value);
        }
        return { contents: text, loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts' };
      });
    },
  };
}
