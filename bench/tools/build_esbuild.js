#!/usr/bin/env node
// Minified esbuild bundle with an external source map.
//   node build_esbuild.js ENTRY OUTFILE
'use strict';
const esbuild = require('esbuild');

const [entry, outfile] = process.argv.slice(2);
if (!entry || !outfile) {
  console.error('usage: node build_esbuild.js ENTRY OUTFILE');
  process.exit(2);
}
const builtins = ['fs', 'path', 'os', 'crypto', 'inspector', 'perf_hooks', 'buffer',
  'stream', 'url', 'module', 'util', 'worker_threads', 'zlib', 'http', 'https'];
const t0 = Date.now();
esbuild.build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  external: builtins,
  define: {
    'process.env.NODE_ENV': '"production"',
    __VUE_OPTIONS_API__: 'true',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
  logLevel: 'error',
}).then(() => {
  console.error(`esbuild ${esbuild.version} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}, (err) => {
  console.error(err && err.message ? err.message : err);
  process.exit(1);
});
