// Preloaded into the language server by the memory benchmark only (`node --expose-gc --require
// memory-probe.cjs dist/server.js --stdio`): on SIGUSR2 it collects garbage and writes
// process.memoryUsage() as one line to stderr, so the benchmark can tell the JS heap from the
// rest (`external` holds the parser's WebAssembly memory, which never shrinks). The benchmark
// sends the signal only after its own RSS readings.
'use strict';
process.on('SIGUSR2', () => {
  if (typeof global.gc === 'function') global.gc();
  process.stderr.write(`@@memory ${JSON.stringify(process.memoryUsage())}\n`);
});
