#!/usr/bin/env node
// Production webpack 5 build (terser, devtool: 'source-map') of one entry file.
//   node build_webpack.js ENTRY OUTDIR FILENAME
// Node built-ins that libraries require conditionally (typescript, pdf.js) are
// stubbed out as they would be in a browser build.
'use strict';
const path = require('path');
const webpack = require('webpack');
const TerserPlugin = require('terser-webpack-plugin');

const [entry, outDir, filename] = process.argv.slice(2);
if (!entry || !outDir || !filename) {
  console.error('usage: node build_webpack.js ENTRY OUTDIR FILENAME');
  process.exit(2);
}
const builtins = ['fs', 'path', 'os', 'crypto', 'inspector', 'perf_hooks', 'buffer',
  'stream', 'url', 'module', 'util', 'worker_threads', 'zlib', 'http', 'https'];
const config = {
  mode: 'production',
  context: path.dirname(path.resolve(entry)),
  entry: './' + path.basename(entry),
  devtool: 'source-map',
  output: { path: path.resolve(outDir), filename },
  resolve: { fallback: Object.fromEntries(builtins.map((b) => [b, false])) },
  performance: { hints: false },
  optimization: { minimize: true, minimizer: [new TerserPlugin()] },
  infrastructureLogging: { level: 'error' },
};
const t0 = Date.now();
webpack(config, (err, stats) => {
  if (err) {
    console.error(err.stack || err);
    process.exit(1);
  }
  const info = stats.toJson({ all: false, errors: true, warnings: true, assets: true });
  for (const e of info.errors || []) console.error('ERROR', e.message || e);
  for (const w of info.warnings || []) console.error('warning:', (w.message || String(w)).split('\n')[0]);
  for (const a of info.assets || []) console.error(`  ${a.name}  ${a.size} bytes`);
  console.error(`webpack ${webpack.version} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  process.exit(stats.hasErrors() ? 1 : 0);
});
