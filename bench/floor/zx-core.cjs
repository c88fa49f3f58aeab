// Floor: the shell runner the mission names (zx) loaded, nothing run.
'use strict';
require('zx/core');
