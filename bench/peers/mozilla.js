#!/usr/bin/env node
// Mozilla `source-map` 0.7 (Rust compiled to WebAssembly).  Its API takes a
// 1-based line and a 0-based column; we take both 1-based and convert.
'use strict';
const fs = require('fs');
const { SourceMapConsumer } = require('source-map');
const { main } = require('./_cli');

main('mozilla', async (path) => new SourceMapConsumer(fs.readFileSync(path, 'utf8')), (c, line, col) => {
  const o = c.originalPositionFor({ line, column: col - 1 });
  if (o.source == null || o.line == null) return { source: null, line: null, column: null, name: null };
  return { source: o.source, line: o.line, column: o.column + 1, name: o.name };
}).catch((e) => { console.error(e && e.stack || e); process.exit(1); });
