// The esbuild options the shipped CLI (bin/bundle.mjs) and the compiled tests (test/loader/compile.mjs) share, so
// the tests run the code transformed as it ships: the same syntax target, the same syntax minification, the same
// defines, the same require() for CommonJS packages. What each adds, and why it must differ, is said where it is
// added. Build-time only: nothing in src/ imports this.

/** CommonJS dependencies (pg, mysql2) call require(): the ESM bundle gives them one. */
export const REQUIRE_BANNER = { js: "import { createRequire as __rbCreateRequire } from 'node:module'; const require = __rbCreateRequire(import.meta.url);" };

/** ESM bundles for Node: one file per entry with shared chunks. */
export function sharedEsmOptions() {
  return {
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    // A rewrite of the code itself (it keeps identifiers): the tests run the same rewrite as the CLI.
    minifySyntax: true,
    banner: REQUIRE_BANNER,
    define: {
      // ink reads DEV to load react-devtools-core.
      'process.env.DEV': '"false"',
      // React and react-reconciler ship a development and a production build behind this test; without the
      // define both are bundled (the ink chunk was 1.6 MB) and parsed at every start of the terminal UI.
      'process.env.NODE_ENV': '"production"',
    },
  };
}
