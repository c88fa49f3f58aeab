// Loads a floor program (bench/figures/floor.ts built it) the way bin/runbook.js loads dist/run.cjs: through
// vm.Script with V8's code cache beside it. With TRAIN=1 it writes that cache once the program is done, as
// bin/train-code-cache.js does for run.cjs, so the floor is measured under the same loading as the product.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { Script } = require('node:vm');

const file = process.argv[2];
const source = readFileSync(file, 'latin1');
let cachedData;
try { cachedData = readFileSync(`${file}.cache`); } catch { /* training run */ }
const script = new Script(Module.wrap(source), { filename: file, ...(cachedData ? { cachedData } : {}) });
const mod = { exports: {} };
script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, require('node:path').dirname(file));
if (process.env.TRAIN) process.on('exit', () => writeFileSync(`${file}.cache`, script.createCachedData()));
