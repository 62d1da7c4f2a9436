// `npm run bench` (after `npm run build`): measures the built server and checker, prints a table
// per section, and ends with one JSON line holding every figure, so runs can be compared. Never
// part of `npm test`. About 4-5 minutes on 2 cores.
//
//   1. edits      per-edit latency in the server (dist/server.js over stdio), generated files of
//                 500, 2,000 and 10,000 lines and the examples           latency.mjs, edits.mjs
//   2. in-process the same edits, parse + analysis only, no protocol      bench-entry.ts
//   3. cold start spawn to the first hints of a 500-line file             first-hints.mjs
//   4. peer       basedpyright (npm, installed on demand into .bench-cache/) on the same file
//   5. folder     the checker on 200 files against the raw parse of them  throughput.mjs
//   6. memory     RSS with 50 documents open, growth over 10,000 edits    memory.mjs
//   7. checker    `shapewise check FILE` per file size, start-up included checker.mjs
//
// BENCH_ONLY=edits,peer runs some sections only; BENCH_CACHE=DIR moves the cache folder
// (default .bench-cache/ at the repository root: the bundled helper, basedpyright, reports).
// Exit status 1 when a section failed (its figures are null and `errors` says why); a peer that
// cannot be installed or run is not a failure (peerFirstHintRatio null, `peerError` says why).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchChecker } from './checker.mjs';
import { benchEntry, cacheDir, fig, fmt, median, percentile, root, runNode, section, serverScript, sizeKey } from './common.mjs';
import { EDIT_KINDS } from './edits.mjs';
import { BASEDPYRIGHT_VERSION, basedpyrightServer, firstHints, installBasedpyright } from './first-hints.mjs';
import { generateKerasFile } from './generate.mjs';
import { measureDocument, measureTyping, serverDebounceMs, shapewiseServer, summarize, TYPED_CALL } from './latency.mjs';
import { benchMemory } from './memory.mjs';
import { benchThroughput } from './throughput.mjs';

// A stray rejection (a server dying between two messages) is reported, never a crash: the
// sections catch their own errors and the JSON line is always printed.
process.on('unhandledRejection', (e) => console.log(`  (unexpected: ${e instanceof Error ? e.message : String(e)})`));

const SIZES = [500, 2000, 10000];
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : undefined;
const figures = {};
const errors = {};
const began = performance.now();
const loadBefore = os.loadavg();
const work = path.join(os.tmpdir(), `shapewise-bench-${process.pid}`);
mkdirSync(work, { recursive: true });
mkdirSync(cacheDir, { recursive: true });

const cap = (s) => s[0].toUpperCase() + s.slice(1);
const pad = (s, n) => String(s).padEnd(n);

async function run(name, body, { optional = false } = {}) {
  if (only && !only.has(name)) return;
  const t = performance.now();
  try {
    await body();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    console.log(`  FAILED: ${message}`);
    if (!optional) errors[name] = message.slice(0, 500);
  }
  console.log(`  (${((performance.now() - t) / 1000).toFixed(0)} s)`);
}

if (!existsSync(serverScript)) {
  console.error(`shapewise bench: ${serverScript} is missing: run \`npm run build\` first (npm run bench does).`);
  process.exit(2);
}
let commit = null;
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  if (execFileSync('git', ['status', '--porcelain', '--', 'server'], { cwd: root, encoding: 'utf8' }).trim()) commit += '+dirty';
} catch {
  // not a git checkout
}
console.log(`Shapewise benchmarks: node ${process.version}, ${os.availableParallelism?.() ?? os.cpus().length} cores, load ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, ${commit ?? 'no git'}`);

// ------------------------------------------------------------------------------ 1. edits

const debounce = serverDebounceMs();
await run('edits', async () => {
  section('Per-edit latency in the server (dist/server.js --stdio, one-character incremental didChange)');
  console.log(`  hints: didChange sent -> inlayHint response for the ~100 lines around the edit (the request analyses on demand)`);
  console.log(`  diag:  didChange sent -> publishDiagnostics of that version (includes the server's ${debounce ?? '?'} ms debounce)`);
  console.log(`  ms, median / p95 over every edit and its undo; n = measured edits after one unmeasured round`);
  console.log(`  ${pad('document', 22)}${pad('lines', 7)}${'n'.padStart(4)}   hints median      p95   diag median      p95`);
  const plan = { 500: { rounds: 6, budgetMs: 20_000, floorSamples: 20 }, 2000: { rounds: 4, budgetMs: 20_000 }, 10000: { rounds: 3, budgetMs: 25_000 } };
  const results = [];
  const floors = [];
  for (const lines of SIZES) {
    const r = await measureDocument({ name: `generated_${lines}.py`, uri: `file:///bench/generated_${lines}.py`, text: generateKerasFile(lines), ...plan[lines] });
    results.push(r);
    console.log(`  ${pad(r.name, 22)}${pad(r.lines, 7)}${String(r.hints.n).padStart(4)}  ${fmt(r.hints.median, 13)}${fmt(r.hints.p95, 9)}${fmt(r.diag.median, 14)}${fmt(r.diag.p95, 9)}`);
    const k = sizeKey(lines);
    figures[`editMedianMs${k}`] = fig(r.hints.median);
    figures[`editP95Ms${k}`] = fig(r.hints.p95);
    figures[`diagMedianMs${k}`] = fig(r.diag.median);
    figures[`diagP95Ms${k}`] = fig(r.diag.p95);
    for (const kind of EDIT_KINDS) if (r.byKind[kind]) figures[`editMedianMs${k}${cap(kind)}`] = fig(r.byKind[kind].hints.median);
    if (r.floorMs !== undefined && !Number.isNaN(r.floorMs)) {
      floors.push(`  ${r.name}: after the same pause, a request the server has no method for took ${fig(r.floorMs)} ms (the protocol's round trip) and the same hints with no edit ${fig(r.cachedHintsMs)} ms (medians of ${plan[lines].floorSamples})`);
      figures[`editFloorMs${k}`] = fig(r.floorMs);
      figures[`editCachedHintsMs${k}`] = fig(r.cachedHintsMs);
    }
  }
  for (const line of floors) console.log(line);
  const exampleFiles = readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.py')).sort();
  const pooled = [];
  for (const f of exampleFiles) {
    const text = readFileSync(path.join(root, 'examples', f), 'utf8');
    const r = await measureDocument({ name: f, uri: `file:///bench/examples/${f}`, text, rounds: 2, budgetMs: 5000 });
    pooled.push(...r.samples);
    console.log(`  ${pad(r.name, 22)}${pad(r.lines, 7)}${String(r.hints.n).padStart(4)}  ${fmt(r.hints.median, 13)}${fmt(r.hints.p95, 9)}${fmt(r.diag.median, 14)}${fmt(r.diag.p95, 9)}`);
  }
  const ex = summarize('examples', 0, pooled, 0);
  console.log(`  ${pad(`all ${exampleFiles.length} examples`, 29)}${String(ex.hints.n).padStart(4)}  ${fmt(ex.hints.median, 13)}${fmt(ex.hints.p95, 9)}${fmt(ex.diag.median, 14)}${fmt(ex.diag.p95, 9)}`);
  console.log(`  (examples/notebook_unet.ipynb is not edited here: notebooks sync cell by cell)`);
  figures.editMedianMsExamples = fig(ex.hints.median);
  figures.editP95MsExamples = fig(ex.hints.p95);
  figures.diagMedianMsExamples = fig(ex.diag.median);
  figures.diagDebounceMs = debounce;

  console.log(`\n  a layer call typed on a new line in the middle, keystroke by keystroke (${JSON.stringify(TYPED_CALL.slice(1))}: the bracket`);
  console.log(`  stays open until its end, so most keystrokes leave the text broken); didChange -> hints, ms`);
  for (const lines of [500, 2000]) {
    const t = await measureTyping({ name: `generated_${lines}.py`, uri: `file:///bench/typing_${lines}.py`, text: generateKerasFile(lines) });
    console.log(`  ${pad(t.name, 22)}${pad(t.lines, 7)}${String(t.keystrokes).padStart(4)}  ${fmt(t.median, 13)}${fmt(t.p95, 9)}`);
    figures[`typingMedianMs${sizeKey(lines)}`] = fig(t.median);
    figures[`typingP95Ms${sizeKey(lines)}`] = fig(t.p95);
  }

  console.log(`\n  hints median per edit kind, ms (top/middle/end: a digit typed into a number literal and deleted;`);
  console.log(`  stride: 2<->1; newline: a line break typed at the end of the top edit's line and deleted;`);
  console.log(`  break: "(" typed after a layer call; repair: deleted again)`);
  console.log(`  ${pad('document', 22)}${EDIT_KINDS.map((k) => k.padStart(9)).join('')}`);
  for (const r of [...results, ex]) {
    console.log(`  ${pad(r.name, 22)}${EDIT_KINDS.map((k) => fmt(r.byKind[k]?.hints.median, 9)).join('')}`);
  }
});

// ------------------------------------------------------------------------------ 2. in-process

await run('inprocess', async () => {
  section('The same edits in-process, no protocol: as the server, the text alone (analyzeWithoutTree) or else Analyzer.parse (incremental) + analyzeTree');
  const entry = await benchEntry();
  const spec = path.join(work, 'analyze-spec.json');
  const subjects = SIZES.map((lines) => ({ name: `generated_${lines}.py`, text: generateKerasFile(lines) }));
  writeFileSync(spec, JSON.stringify({ subjects, rounds: 4, budgetMs: 8000 }));
  const r = await runNode([entry, 'analyze-edits', spec], { timeoutMs: 180_000 });
  if (r.code !== 0) throw new Error(`analyze-edits exited with ${r.code}: ${r.stderr}`);
  const rows = JSON.parse(r.stdout.trim().split('\n').pop());
  console.log(`  ms, medians: parse = tree-sitter's incremental re-parse (0 when the text was read alone); analysis = the rest (front end, engine, suppressions); text = edits read without a parse`);
  console.log(`  ${pad('document', 22)}${'n'.padStart(4)}${'text'.padStart(6)}${'parse'.padStart(9)}${'analysis'.padStart(10)}${'total'.padStart(9)}${'full parse'.padStart(12)}`);
  for (const [i, row] of rows.entries()) {
    console.log(`  ${pad(row.name, 22)}${String(row.samples).padStart(4)}${String(row.fromText).padStart(6)}${fmt(row.parseMs, 9)}${fmt(row.analyzeMs, 10)}${fmt(row.totalMs, 9)}${fmt(row.fullParseMs, 12)}`);
    const k = sizeKey(SIZES[i]);
    figures[`inprocFromText${k}`] = row.fromText;
    figures[`inprocEditMs${k}`] = fig(row.totalMs);
    figures[`inprocParseMs${k}`] = fig(row.parseMs);
    figures[`inprocAnalyzeMs${k}`] = fig(row.analyzeMs);
  }
});

// ------------------------------------------------------------------------------ 3, 4. first hints

const peerDir = path.join(work, 'peer');
const peerFile = path.join(peerDir, 'generated_500.py');
const exampleDir = path.join(work, 'peer-example');
const exampleFile = path.join(exampleDir, 'unet_fixed.py');
mkdirSync(peerDir, { recursive: true });
mkdirSync(exampleDir, { recursive: true });
writeFileSync(peerFile, generateKerasFile(500));
copyFileSync(path.join(root, 'examples', 'unet_fixed.py'), exampleFile);
const printFirst = (who, rs) =>
  console.log(
    `  ${pad(who, 42)}${String(rs.length).padStart(3)}${fmt(median(rs.map((r) => r.initMs)), 12)}${fmt(median(rs.map((r) => r.openToHintsMs)), 14)}${fmt(median(rs.map((r) => r.spawnMs)), 12)}${String(rs[0].hints).padStart(7)}`,
  );
const firstHeader = () => console.log(`  ${pad('server, file', 42)}${'n'.padStart(3)}${'init'.padStart(12)}${'open->hints'.padStart(14)}${'spawn->hints'.padStart(13)}${'hints'.padStart(6)}`);

// Cold starts with the code cache an earlier start wrote (every start but the first after an
// install or update) and without one (the first start: --no-code-cache, the same work).
let ours = [];
let oursFirst = [];
let oursExample = [];
const firstStart = () => shapewiseServer([], { codeCache: 'off' });
await run('cold', async () => {
  section('Cold start: spawn `node dist/server.js --stdio` -> initialize -> didOpen a 500-line file -> first inlay hints');
  console.log(`  ms, medians; init = spawn to the initialize result (node start, bundle load, wasm parser load);`);
  console.log(`  open->hints = didOpen to the first non-empty hint response for lines 0-100 (settings pulled, first analysis)`);
  console.log(`  "code cache": V8's compiled code of the server, written by an earlier start after its first analysis`);
  console.log(`  (as on every start but the first after an install or update); "first start": none (--no-code-cache)`);
  // The earlier start: writes the cache (at shutdown, after its first analysis) unless it is current.
  await firstHints(shapewiseServer(), peerFile);
  firstHeader();
  for (let i = 0; i < 5; i++) {
    ours.push(await firstHints(shapewiseServer(), peerFile));
    oursFirst.push(await firstHints(firstStart(), peerFile));
  }
  for (let i = 0; i < 2; i++) oursExample.push(await firstHints(firstStart(), exampleFile));
  printFirst('shapewise, generated_500.py, code cache', ours);
  printFirst('shapewise, generated_500.py, first start', oursFirst);
  printFirst('shapewise, unet_fixed.py, first start', oursExample);
  figures.coldStartMs = fig(median(ours.map((r) => r.spawnMs)));
  figures.coldStartP95Ms = fig(percentile(ours.map((r) => r.spawnMs), 95));
  figures.coldInitMs = fig(median(ours.map((r) => r.initMs)));
  figures.coldOpenToHintsMs = fig(median(ours.map((r) => r.openToHintsMs)));
  figures.coldStartFirstMs = fig(median(oursFirst.map((r) => r.spawnMs)));
  figures.coldInitFirstMs = fig(median(oursFirst.map((r) => r.initMs)));
  figures.coldOpenToHintsFirstMs = fig(median(oursFirst.map((r) => r.openToHintsMs)));
});

await run(
  'peer',
  async () => {
    figures.peerFirstHintRatio = null;
    section(`Peer: basedpyright ${BASEDPYRIGHT_VERSION} (npm) as a language server, same client, same files, every inlay hint kind on`);
    figures.peerVersion = `basedpyright@${BASEDPYRIGHT_VERSION}`;
    let entry;
    try {
      const t = performance.now();
      const installed = await installBasedpyright();
      entry = installed.entry;
      if (installed.installed) console.log(`  installed into ${path.relative(root, path.dirname(path.dirname(path.dirname(entry))))} (${((performance.now() - t) / 1000).toFixed(0)} s)`);
    } catch (e) {
      figures.peerError = `not installed: ${e instanceof Error ? e.message : String(e)}`;
      throw e;
    }
    // Against Shapewise's first start (no code cache): the ratio does not lean on the cache.
    if (oursFirst.length === 0) for (let i = 0; i < 3; i++) oursFirst.push(await firstHints(firstStart(), peerFile));
    if (oursExample.length === 0) oursExample.push(await firstHints(firstStart(), exampleFile));
    const peer = [];
    const peerExample = [];
    try {
      for (let i = 0; i < 2; i++) peer.push(await firstHints(basedpyrightServer(entry), peerFile));
      peerExample.push(await firstHints(basedpyrightServer(entry), exampleFile));
    } catch (e) {
      figures.peerError = e instanceof Error ? e.message.slice(0, 300) : String(e);
      throw e;
    }
    console.log(`  ms, medians; the ratio is basedpyright's open->hints over Shapewise's first start (no code cache)`);
    firstHeader();
    printFirst('shapewise, generated_500.py, first start', oursFirst);
    printFirst('basedpyright, generated_500.py', peer);
    printFirst('shapewise, unet_fixed.py, first start', oursExample);
    printFirst('basedpyright, examples/unet_fixed.py', peerExample);
    const ratio = (a, b) => median(a.map((r) => r.openToHintsMs)) / median(b.map((r) => r.openToHintsMs));
    figures.peerFirstHintMs = fig(median(peer.map((r) => r.openToHintsMs)));
    figures.oursFirstHintMs = fig(median(oursFirst.map((r) => r.openToHintsMs)));
    figures.peerFirstHintRatio = fig(ratio(peer, oursFirst));
    figures.peerFirstHintRatioExample = fig(ratio(peerExample, oursExample));
    figures.peerSpawnToHintsMs = fig(median(peer.map((r) => r.spawnMs)));
    figures.peerRssMB = fig(median(peer.map((r) => r.rssMB)));
    console.log(`  ratio (basedpyright / shapewise, open->hints): generated_500.py ${figures.peerFirstHintRatio}x, unet_fixed.py ${figures.peerFirstHintRatioExample}x`);
  },
  { optional: true },
);

// ------------------------------------------------------------------------------ 5. folder

await run('folder', async () => {
  section('The checker on a folder of 200 generated files (100-2,000 lines) against the raw tree-sitter parse of the same files');
  const t = await benchThroughput({ runs: 3 });
  console.log(`  ${t.files} files, ${t.lines} lines, ${t.layers} layers; ${t.workers} worker threads in both programs; medians of ${t.runs} alternating runs`);
  console.log(`  check: \`node dist/cli.js check DIR --format json\`, spawn to exit (start-up, workers, read, parse, analyse, ${t.reportMB.toFixed(0)} MB JSON report)`);
  console.log(`  parse: a program of the same shape that only parses (bench-entry.ts parse-folder), spawn to exit`);
  console.log(`  ${pad('', 30)}${'wall ms'.padStart(10)}${'lines/s'.padStart(12)}`);
  console.log(`  ${pad('check', 30)}${fmt(t.checkMs, 10)}${fmt(t.checkLinesPerSec, 12)}`);
  console.log(`  ${pad('parse (whole program)', 30)}${fmt(t.parseMs, 10)}${fmt(t.parseLinesPerSec, 12)}`);
  console.log(`  ${pad('parse (parse phase only)', 30)}${fmt(t.parsePhaseMs, 10)}${fmt(t.parsePhaseLinesPerSec, 12)}   (start-up before it: ${fig(t.parseStartMs)} ms)`);
  console.log(`  analysisOverParse = check / parse (whole programs, wall) = ${fig(t.analysisOverParse)}`);
  console.log(`  CPU time (user + system, every thread): check ${fig(t.checkCpuMs)} ms, parse ${fig(t.parseCpuMs)} ms, ratio ${fig(t.analysisOverParseCpu)} (less sensitive to other load)`);
  figures.folderFiles = t.files;
  figures.folderLines = t.lines;
  figures.folderWorkers = t.workers;
  figures.checkFolderMs = fig(t.checkMs);
  figures.parseFolderMs = fig(t.parseMs);
  figures.parsePhaseMs = fig(t.parsePhaseMs);
  figures.checkLinesPerSec = fig(t.checkLinesPerSec);
  figures.parseLinesPerSec = fig(t.parseLinesPerSec);
  figures.parsePhaseLinesPerSec = fig(t.parsePhaseLinesPerSec);
  figures.analysisOverParse = fig(t.analysisOverParse);
  figures.checkFolderCpuMs = fig(t.checkCpuMs);
  figures.parseFolderCpuMs = fig(t.parseCpuMs);
  figures.analysisOverParseCpu = fig(t.analysisOverParseCpu);
});

// ------------------------------------------------------------------------------ 6. memory

await run('memory', async () => {
  section('Memory: server RSS (VmRSS) with 50 open 1,000-line documents, and after 10,000 one-character edits');
  const m = await benchMemory({ budgetMs: 60_000 });
  console.log(`  after initialize: ${fig(m.baseMB)} MB; 50 documents opened in ${m.openSeconds.toFixed(1)} s (median ${fig(m.openMedianMs)} ms each: open + first hints)`);
  console.log(`  ${m.edits} edits in ${m.editSeconds.toFixed(0)} s, in bursts of 20 per document; ${m.hintRequests} of them followed by a hint request (each forces parse + analysis)`);
  console.log(`  RSS MB by edits: ${m.samples.map((s) => `${s.edits}: ${fig(s.rssMB)}`).join(', ')}`);
  console.log(`  rssMB50Docs ${fig(m.rssMB50Docs)}, after the edits ${fig(m.rssMBAfterEdits)} (growth ${fig(m.rssGrowthMB10kEdits)}), peak ${fig(m.peakMB)}`);
  const g = m.afterGC;
  if (g) {
    console.log(`  then, after a forced GC: RSS ${fig(g.rss)} MB; JS heap used ${fig(g.heapUsed)} of ${fig(g.heapTotal)}; external ${fig(g.external)} (the parser's wasm memory, trees)`);
    figures.rssAfterGcMB = fig(g.rss);
    figures.heapUsedAfterGcMB = fig(g.heapUsed);
    figures.externalAfterGcMB = fig(g.external);
  } else console.log(`  (the memory probe did not answer: no after-GC figures)`);
  figures.rssBaseMB = fig(m.baseMB);
  figures.rssMB50Docs = fig(m.rssMB50Docs);
  figures.rssMBAfter10kEdits = fig(m.rssMBAfterEdits);
  figures.rssGrowthMB10kEdits = fig(m.rssGrowthMB10kEdits);
  figures.rssPeakMB = fig(m.peakMB);
  figures.memoryHintRequests = m.hintRequests;
});

// ------------------------------------------------------------------------------ 7. checker per file

await run('checker', async () => {
  section('`shapewise check FILE --format json`, one generated file, spawn to exit (node start-up included)');
  const rows = benchChecker({ root, runs: 3, sizes: SIZES });
  console.log(`  ${'lines'.padStart(7)}${'layers'.padStart(9)}${'median ms'.padStart(12)}${'min ms'.padStart(9)}`);
  for (const r of rows) {
    console.log(`  ${String(r.lines).padStart(7)}${String(r.layers).padStart(9)}${fmt(r.medianMs, 12)}${fmt(r.minMs, 9)}`);
    figures[`checkMedianMs${sizeKey(r.lines)}`] = fig(r.medianMs);
  }
});

// ------------------------------------------------------------------------------ targets, JSON

const targets = [
  ['editMedianMs500', '<', 2, 'per-edit hints, 500 lines, median'],
  ['editMedianMs10k', '<', 20, 'per-edit hints, 10,000 lines, median'],
  ['coldStartMs', '<', 300, 'spawn to first hints, 500 lines, code cache of an earlier start'],
  ['coldStartFirstMs', '<', 300, 'the same, first start (no code cache)'],
  ['analysisOverParse', '<=', 1.3, 'checker / raw parse, 200 files'],
  ['peerFirstHintRatio', '>=', 10, 'basedpyright / shapewise, open to first hints'],
];
section('Targets');
for (const [key, op, want, what] of targets) {
  const v = figures[key];
  const ok = v === null || v === undefined ? 'n/a' : (op === '<' ? v < want : op === '<=' ? v <= want : v >= want) ? 'met' : 'MISSED';
  console.log(`  ${pad(key, 22)}${String(v ?? '-').padStart(9)}  ${pad(`${op} ${want}`, 8)}${pad(ok, 8)}${what}`);
}

rmSync(work, { recursive: true, force: true });
figures.loadAvgBefore = fig(loadBefore[0]);
figures.loadAvgAfter = fig(os.loadavg()[0]);
figures.cores = os.availableParallelism?.() ?? os.cpus().length;
figures.node = process.version;
figures.commit = commit;
figures.benchSeconds = Math.round((performance.now() - began) / 1000);
if (Object.keys(errors).length > 0) figures.errors = errors;
console.log(`\n(${figures.benchSeconds} s, load average ${loadBefore[0].toFixed(2)} before, ${os.loadavg()[0].toFixed(2)} after)`);
console.log(JSON.stringify(figures));
if (Object.keys(errors).length > 0) process.exitCode = 1;
