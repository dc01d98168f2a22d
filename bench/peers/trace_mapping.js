#!/usr/bin/env node
// @jridgewell/trace-mapping (pure JS, used by Babel, Vite, Jest ...).  Its API
// takes a 1-based line and a 0-based column; we take both 1-based and convert.
'use strict';
const fs = require('fs');
const { TraceMap, originalPositionFor } = require('@jridgewell/trace-mapping');
const { main } = require('./_cli');

main('trace-mapping', async (path) => new TraceMap(fs.readFileSync(path, 'utf8')), (t, line, col) => {
  const o = originalPositionFor(t, { line, column: col - 1 });
  if (o.source == null || o.line == null) return { source: null, line: null, column: null, name: null };
  return { source: o.source, line: o.line, column: o.column + 1, name: o.name };
}).catch((e) => { console.error(e && e.stack || e); process.exit(1); });
