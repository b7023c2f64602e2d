'use strict';
// Lets mocha and scripts load TypeScript directly: every `.ts` file is
// transpiled on require by esbuild (type checking is `tsc --noEmit`, a
// separate step of `make test`). Inline source maps keep stack traces pointing
// at the TypeScript lines.
const fs = require('fs');
const { transformSync } = require('esbuild');

process.setSourceMapsEnabled(true);

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    loader: 'ts',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    sourcefile: filename,
  });
  module._compile(code, filename);
};
