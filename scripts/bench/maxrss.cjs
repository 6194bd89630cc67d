// Preloaded into a benchmarked child process (`node --require scripts/bench/maxrss.cjs ...`):
// when the process exits, writes its peak resident set size (getrusage ru_maxrss: the JS heap,
// DuckDB's native buffers and everything else in the process) and the CPU seconds it used to
// $DUCKFLOW_BENCH_RSS_FILE.
'use strict';
const { writeFileSync } = require('node:fs');

const out = process.env.DUCKFLOW_BENCH_RSS_FILE;
if (out) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
    writeFileSync(out, JSON.stringify({ maxRssBytes: usage.maxRSS * 1024, cpuSeconds }));
  });
}
