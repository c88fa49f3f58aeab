// Floor of a cold validate: the file read by the YAML parser the mission names (js-yaml), nothing checked.
'use strict';
require('js-yaml').load(require('node:fs').readFileSync(process.argv[3], 'utf8'));
