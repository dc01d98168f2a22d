// Shared argument handling for the Node peer adapters.
//   ADAPTER MAP LINE COL            one lookup, LINE and COL 1-based (as in JS stack traces)
//   ADAPTER --inproc SAMPLES MAP    load once, then time the lookups listed in SAMPLES
// Both print one JSON object; positions in the output are 1-based line and column.
'use strict';
const fs = require('fs');

function now() {
  return Number(process.hrtime.bigint()) / 1e9;
}

async function main(tool, load, lookup) {
  const argv = process.argv.slice(2);
  if (argv[0] === '--inproc') {
    const samples = JSON.parse(fs.readFileSync(argv[1], 'utf8'));
    const mapPath = argv[2];
    const t0 = now();
    const state = await load(mapPath);
    const [tl, tc] = samples.target;
    const first = lookup(state, tl, tc);
    const t1 = now();
    const results = new Array(samples.positions.length);
    for (let i = 0; i < samples.positions.length; i++) {
      const [l, c] = samples.positions[i];
      results[i] = lookup(state, l, c);
    }
    const t2 = now();
    process.stdout.write(JSON.stringify({
      tool, load_s: t1 - t0, lookups_s: t2 - t1, n: results.length, first,
      results: results.map((r) => [r.source, r.line, r.column, r.name]),
    }) + '\n');
    return;
  }
  if (argv.length !== 3) {
    console.error(`usage: ${tool} MAP LINE COL   (1-based line and column)\n       ${tool} --inproc SAMPLES.json MAP`);
    process.exit(2);
  }
  const [mapPath, line, col] = [argv[0], parseInt(argv[1], 10), parseInt(argv[2], 10)];
  const state = await load(mapPath);
  const r = lookup(state, line, col);
  process.stdout.write(JSON.stringify({ tool, ...r }) + '\n');
}

module.exports = { main };
