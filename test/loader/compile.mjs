// Compiles the test files once per suite run: each test file is bundled with the src/ and test/ modules it imports
// (esbuild; packages stay external, shared code in shared chunks), so a test process loads a few JavaScript files
// instead of starting tsx and transforming the same two hundred TypeScript files again (about half a second of
// CPU per test file). What a module reads of its own location (import.meta.url, .dirname, .filename) is written in
// as the .ts file's, so every path a test or src/ derives from it is unchanged. Inline source maps: with
// --enable-source-maps a failure points at the .ts line.
// The options are the shipped CLI's (bin/esbuild-options.mjs, shared with bin/bundle.mjs) but for what a test
// must see differently, each said below.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sharedEsmOptions } from '../../bin/esbuild-options.mjs';

/** The compiled form of test file `file` (relative to root) in `out`; timesReporter maps it back. */
export function compiledName(file) {
  return `${file}.mjs`;
}

/** Bundles every test file of `files` (paths relative to root) into `out`, which must be under root (the bundles
 *  import packages from root/node_modules). */
export async function compileTests(root, out, files) {
  await build({
    ...sharedEsmOptions(),
    absWorkingDir: root,
    entryPoints: files.map((file) => ({ in: file, out: file })),
    outdir: out,
    outExtension: { '.js': '.mjs' },
    // Packages load from node_modules as they are installed: bundling them into every test file would cost
    // more CPU than tsx did, and src/lab finds the server binaries through require.resolve of a package.
    // So the shipped build's package patches (commander's lazy child_process, yoga without fetch, the
    // react-devtools stub) are not in the tests' code; they only change start-up time, and the CLI tests run
    // dist/ itself. React, ink and the rest read NODE_ENV from the test's environment, not the define.
    packages: 'external',
    // dist/ links its maps; a test bundle lives only for the run, so its maps are inline.
    sourcemap: 'inline',
    // No minifyWhitespace: it has no meaning, and a failed assert(…) without a message quotes the compiled
    // line, which must stay readable. The shipped build minifies it for start-up time only.
    // Where the code is: the .ts file's location, not the bundle's (the shipped build's is dist/).
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
