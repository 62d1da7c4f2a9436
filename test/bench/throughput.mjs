// The checker's throughput on a folder of 200 generated files, against the raw tree-sitter parse
// of the same files in the same run.
//
//   check  `node dist/cli.js check FOLDER --format json --fail-on never`, wall time from spawn to
//          exit (node start, module load, worker threads with their parsers, reading, parsing,
//          analysing, the JSON report written to a file)
//   parse  `node bench-entry.js parse-folder FOLDER`, a program of the same shape that only
//          parses: node start, the same number of worker threads each loading the parser the same
//          way, files from one queue, read and parsed once, trees deleted; wall time from spawn to
//          exit. It also reports its parse phase alone (first file handed out to last parsed).
//
// Each runs `runs` times, alternately; medians. analysisOverParse = check wall / parse wall: what
// the analysis (and the report) adds to a program that only parses the same files the same way.
// The CPU time of each (user + system, all threads) is measured too: on a loaded machine the
// wall times swing with the other load, the CPU times much less.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchEntry, cacheDir, checkerEnv, cliScript, countLines, median, runNode } from './common.mjs';
import { generateKerasFile } from './generate.mjs';

/**
 * 200 files of 100 to 2,000 lines, most of them small (mean about 500): about 100k lines. In the
 * system's temporary folder: the checker honours .gitignore, which lists the cache folder.
 */
export function makeFolder(count = 200) {
  const dir = path.join(os.tmpdir(), `shapewise-bench-${process.pid}`, `folder-${count}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let lines = 0;
  for (let i = 0; i < count; i++) {
    // A fixed permutation of 0..count-1, mapped onto sizes with a long tail of large files.
    const u = ((i * 73) % count) / (count - 1);
    const size = Math.round(100 + 1900 * u ** 3.75);
    const text = generateKerasFile(size, i + 1);
    lines += countLines(text);
    writeFileSync(path.join(dir, `model_${String(i).padStart(3, '0')}.py`), text);
  }
  return { dir, files: count, lines };
}

export async function benchThroughput({ runs = 3, timeoutMs = 180_000 } = {}) {
  const folder = makeFolder();
  const entry = await benchEntry();
  const report = path.join(cacheDir, 'check-report.json');

  const check = async () => {
    const fd = openSync(report, 'w');
    let r;
    try {
      r = await runNode([cliScript, 'check', folder.dir, '--format', 'json', '--fail-on', 'never'], { timeoutMs, stdoutFile: fd, env: checkerEnv });
    } finally {
      closeSync(fd);
    }
    if (r.code !== 0) throw new Error(`shapewise check exited with ${r.code}: ${r.stderr}`);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    const files = json.files ?? [];
    const failed = files.filter((f) => f.error || f.notAnalysed);
    if (files.length !== folder.files || failed.length > 0) {
      throw new Error(`shapewise check reported ${files.length} files of ${folder.files}${failed.length ? `, ${failed.length} not analysed (${failed[0].error ?? failed[0].notAnalysed})` : ''}`);
    }
    return { wallMs: r.wallMs, cpuMs: r.cpuMs, layers: files.reduce((n, f) => n + (f.layers?.length ?? 0), 0) };
  };
  const parse = async () => {
    const r = await runNode([entry, 'parse-folder', folder.dir], { timeoutMs });
    if (r.code !== 0) throw new Error(`the raw parse program exited with ${r.code}: ${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop());
    if (out.files !== folder.files || out.lines !== folder.lines) throw new Error(`the raw parse saw ${out.files} files / ${out.lines} lines, expected ${folder.files} / ${folder.lines}`);
    return { wallMs: r.wallMs, cpuMs: r.cpuMs, ...out };
  };

  const checks = [];
  const parses = [];
  for (let i = 0; i < runs; i++) {
    checks.push(await check());
    parses.push(await parse());
  }
  const checkMs = median(checks.map((c) => c.wallMs));
  const parseMs = median(parses.map((p) => p.wallMs));
  const checkCpuMs = median(checks.map((c) => c.cpuMs));
  const parseCpuMs = median(parses.map((p) => p.cpuMs));
  const parsePhaseMs = median(parses.map((p) => p.parseMs));
  const parseStartMs = median(parses.map((p) => p.startMs));
  const reportBytes = readFileSync(report).length;
  rmSync(report, { force: true });
  rmSync(folder.dir, { recursive: true, force: true });
  return {
    files: folder.files,
    lines: folder.lines,
    layers: checks[0].layers,
    workers: parses[0].workers,
    runs,
    checkMs,
    parseMs,
    parsePhaseMs,
    parseStartMs,
    reportMB: reportBytes / 2 ** 20,
    checkLinesPerSec: folder.lines / (checkMs / 1000),
    parseLinesPerSec: folder.lines / (parseMs / 1000),
    parsePhaseLinesPerSec: folder.lines / (parsePhaseMs / 1000),
    analysisOverParse: checkMs / parseMs,
    checkCpuMs,
    parseCpuMs,
    analysisOverParseCpu: checkCpuMs / parseCpuMs,
  };
}
