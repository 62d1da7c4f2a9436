// Shared by the benchmark sections: the cache folder, statistics, formatting, and the bundled
// helper program (bench-entry.ts, built with esbuild like dist/, next to the two wasm files).
import * as esbuild from 'esbuild';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
export const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.join(here, '..', '..');
/** Everything the benchmark writes or installs (gitignored); BENCH_CACHE moves it. */
export const cacheDir = process.env.BENCH_CACHE ? path.resolve(process.env.BENCH_CACHE) : path.join(root, '.bench-cache');
/**
 * The environment of the checker's runs: its code cache (V8's compiled code of the checker, in
 * the user's cache folder: XDG_CACHE_HOME) goes into the benchmark's cache folder. The first run
 * writes it; the later runs start from it, as a user's do.
 */
export const checkerEnv = { ...process.env, XDG_CACHE_HOME: path.join(cacheDir, 'checker-cache') };
export const serverScript = path.join(root, 'dist', 'server.js');
export const cliScript = path.join(root, 'dist', 'cli.js');

/** Children still running, SIGKILLed when the benchmark exits however it exits. */
const alive = new Set();
let hooked = false;
export function trackChild(child) {
  if (!hooked) {
    hooked = true;
    const killAll = () => {
      for (const c of alive) {
        try {
          c.kill('SIGKILL');
        } catch {
          // already gone
        }
      }
    };
    process.on('exit', killAll);
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
      process.on(sig, () => {
        killAll();
        process.exit(130);
      });
    }
  }
  alive.add(child);
  child.on('exit', () => alive.delete(child));
  return child;
}

export function median(xs) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile. */
export function percentile(xs, p) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** A figure for the JSON line: 3 significant digits below 100, integers above; null for NaN. */
export function fig(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  if (Math.abs(x) >= 100) return Math.round(x);
  return Number(x.toPrecision(3));
}

/** A figure for the table. */
export function fmt(x, width = 8) {
  const f = fig(x);
  return String(f === null ? '-' : f).padStart(width);
}

/** '500', '2k', '10k'. */
export function sizeKey(lines) {
  return lines >= 1000 && lines % 1000 === 0 ? `${lines / 1000}k` : String(lines);
}

export function fileUri(p) {
  return pathToFileURL(p).href;
}

export function countLines(text) {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return text.length > 0 && !text.endsWith('\n') ? n + 1 : n;
}

/** The range an editor asks hints for: about a screenful (100 lines) around `line`. */
export function visibleRange(line, totalLines) {
  const start = Math.max(0, line - 50);
  const end = Math.min(totalLines, start + 100);
  return { start: { line: start, character: 0 }, end: { line: end, character: 0 } };
}

export function section(title) {
  console.log(`\n== ${title}`);
}

/**
 * Bundles a TypeScript entry (under test/bench/) into `out/NAME.js` as esbuild.mjs bundles dist/,
 * with the two wasm files next to it; returns the bundle's path.
 */
export async function bundleEntry(entry, out, name) {
  mkdirSync(out, { recursive: true });
  const outfile = path.join(out, `${name}.js`);
  await esbuild.build({
    entryPoints: [path.join(here, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    // As esbuild.mjs: the package's CommonJS build (the ESM one needs import.meta).
    alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
  });
  for (const wasm of ['web-tree-sitter/tree-sitter.wasm', 'tree-sitter-python/tree-sitter-python.wasm']) {
    const from = require.resolve(wasm);
    copyFileSync(from, path.join(out, path.basename(from)));
  }
  return outfile;
}

let bundled;
/** Builds bench-entry.ts once per run; returns the path of the bundle. */
export async function benchEntry() {
  bundled ??= await bundleEntry('bench-entry.ts', path.join(cacheDir, 'bundle'), 'bench-entry');
  return bundled;
}

/**
 * CPU time (user + system, ms) of this process' children that have ended and been waited for
 * (cutime + cstime of /proc/self/stat, clock ticks of 10 ms); NaN where /proc is missing.
 */
export function childrenCpuMs() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return NaN;
  }
}

/**
 * Runs `node ARGS` to completion with a time limit; resolves with { code, stdout, stderr, wallMs,
 * cpuMs } (wall time from spawn to exit; CPU time of the child, its threads included, when it is
 * the only child ending meanwhile). The child is killed on the time limit.
 */
export function runNode(args, { timeoutMs = 120_000, stdoutFile, cwd, env } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const cpu0 = childrenCpuMs();
    const child = trackChild(spawn(process.execPath, args, { cwd, env, stdio: ['ignore', stdoutFile ?? 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-8000)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node ${args.join(' ')} took over ${timeoutMs} ms: killed`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, wallMs: performance.now() - t0, cpuMs: childrenCpuMs() - cpu0 });
    });
  });
}
