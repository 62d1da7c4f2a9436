// The server's memory: resident set size (VmRSS of the server process, /proc/PID/status) with 50
// different 1,000-line documents open, and its growth over 10,000 one-character edits.
//
// Open: every document is opened and its first 100 lines' hints asked for (as an editor showing
// it); once all diagnostics are published and the server has been idle for a second, VmRSS is
// read: rssMB50Docs.
// Edits: 10,000 edits in bursts of 20 on one document, then the next document (each document gets
// the same number of bursts), cycling through the document's edit pairs (type a digit at the top /
// middle / end, a stride, a line break, break and repair: each pair undone right after, so sizes
// stay the same).
// After an edit the hints of the ~100 lines around it are asked for, which makes the server parse
// and analyse. If that does not fit in the time budget, only every k-th edit asks (k adapted as it
// goes, reported): every edit still reaches the server. VmRSS is sampled every 1,000 edits; after
// the last, once its diagnostics are published and the server has been idle for a second:
// rssGrowthMB10kEdits = that minus rssMB50Docs.
// Then (after every RSS reading) the server is made to collect garbage and report
// process.memoryUsage() (memory-probe.cjs): the JS heap in use, and `external`, which holds the
// parser's WebAssembly memory (trees: a wasm memory grows and never shrinks).
import path from 'node:path';
import { editPairs } from './edits.mjs';
import { countLines, here, median, visibleRange } from './common.mjs';
import { generateKerasFile } from './generate.mjs';
import { withServer } from './lsp-client.mjs';
import { shapewiseServer } from './latency.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function benchMemory({ docs = 50, lines = 1000, edits = 10_000, burst = 20, budgetMs = 60_000, onProgress = () => {} } = {}) {
  // --expose-gc changes V8's flags, under which the benchmark's code cache would be rejected and
  // written again for the sections after this one: this server runs without one.
  const spec = shapewiseServer([], { codeCache: 'off' });
  spec.args = ['--expose-gc', '--require', path.join(here, 'memory-probe.cjs'), ...spec.args];
  return withServer(spec, async (server) => {
    await server.initialize();
    const baseMB = server.memory().rssMB;
    const started0 = performance.now();
    const documents = [];
    const openLatencies = [];
    for (let i = 0; i < docs; i++) {
      const text = generateKerasFile(lines, 1000 + i);
      const uri = `file:///bench/memory/model_${i}.py`;
      const doc = { uri, text, lines: countLines(text), pairs: editPairs(text), version: 1, step: 0 };
      documents.push(doc);
      const published = server.waitDiagnostics(uri, 1, 60_000);
      const t = performance.now();
      await server.open(uri, text, 1);
      await server.hints(uri, visibleRange(0, doc.lines), 60_000);
      openLatencies.push(performance.now() - t);
      await published;
    }
    const openSeconds = (performance.now() - started0) / 1000;
    await sleep(1000);
    const open = server.memory();

    const samples = [{ edits: 0, rssMB: open.rssMB }];
    const started = performance.now();
    let every = 1;
    let requests = 0;
    let requestMs = 0;
    let last;
    for (let n = 0; n < edits; n++) {
      const doc = documents[Math.floor(n / burst) % docs];
      const pair = doc.pairs[Math.floor(doc.step / 2) % doc.pairs.length];
      const change = doc.step % 2 === 0 ? pair.apply : pair.undo;
      doc.step++;
      doc.version++;
      void server.change(doc.uri, doc.version, [{ range: change.range, text: change.text }]);
      last = doc;
      if (n % every === every - 1 || n === edits - 1) {
        const t = performance.now();
        await server.hints(doc.uri, visibleRange(change.range.start.line, doc.lines), 60_000);
        requests++;
        requestMs += performance.now() - t;
      }
      if ((n + 1) % 1000 === 0) {
        // Let the notifications sent without a request reach the server before measuring.
        await server.hints(doc.uri, visibleRange(0, 1), 60_000);
        samples.push({ edits: n + 1, rssMB: server.memory().rssMB });
        onProgress(n + 1);
        // Adapt: the requests still to come must fit in what is left of the budget.
        const left = budgetMs - (performance.now() - started);
        const perRequest = requestMs / requests;
        every = Math.max(1, Math.ceil(((edits - n - 1) * perRequest) / Math.max(1, left)));
      } else if (n === 199 && requests > 0) {
        every = Math.max(1, Math.ceil((edits * (requestMs / requests)) / budgetMs));
      }
    }
    await server.waitDiagnostics(last.uri, last.version, 60_000);
    await sleep(1000);
    const after = server.memory();
    const probe = await probeMemory(server);
    return {
      docs,
      lines,
      edits,
      hintRequests: requests,
      openSeconds,
      editSeconds: (performance.now() - started) / 1000,
      baseMB,
      openMedianMs: median(openLatencies),
      rssMB50Docs: open.rssMB,
      rssMBAfterEdits: after.rssMB,
      peakMB: after.hwmMB,
      rssGrowthMB10kEdits: after.rssMB - open.rssMB,
      samples,
      afterGC: probe,
    };
  });
}

/** Asks the probe for a GC and process.memoryUsage(); MB, or undefined if it does not answer. */
async function probeMemory(server) {
  const count = () => (server.stderr.match(/@@memory /g) ?? []).length;
  const before = count();
  server.child.kill('SIGUSR2');
  for (let i = 0; i < 100 && count() === before; i++) await sleep(20);
  const all = [...server.stderr.matchAll(/@@memory (\{.*\})/g)];
  if (count() === before || all.length === 0) return undefined;
  return Object.fromEntries(Object.entries(JSON.parse(all[all.length - 1][1])).map(([k, v]) => [k, v / 2 ** 20]));
}
