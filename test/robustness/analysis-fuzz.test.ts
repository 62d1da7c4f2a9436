// Random Keras-flavoured Python programs (fast-check) through the built checker's worker
// (dist/check-worker.js: the real parser and analysis, as the checker runs them), each in a
// worker thread with a small heap and a time limit: a program that makes the analysis loop, run
// out of memory or throw is a failure, printed with the seed and the shrunk program.
// The programs mix layers and models with what the abstract interpreter has to follow or give up
// on: builtins (range, zip, enumerate, sorted, min, max, sum, len, ...), huge, negative and float
// literals, loops (for, while True, over a billion), helpers (recursive, mutually recursive),
// comprehensions, classes, sequence repetition, f-strings and half-typed code.
//
// SHAPEWISE_FUZZ_SEED explores other seeds; SHAPEWISE_ANALYSIS_FUZZ_RUNS changes the count.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerResponse } from '../../server/src/cli/parallel';
import { defaultAnalysisConfig } from '../../server/src/config';

const envSeed = process.env.SHAPEWISE_FUZZ_SEED;
const SEED = envSeed !== undefined && envSeed !== '' ? Number(envSeed) : 20260611;
const envRuns = process.env.SHAPEWISE_ANALYSIS_FUZZ_RUNS;
const RUNS = envRuns !== undefined && envRuns !== '' ? Number(envRuns) : 400;
/** Per program: far above what any analysis takes (the work budget stops it in about a second). */
const TIME_LIMIT_MS = 15_000;
/**
 * Far above what an analysis needs (tens of MB), below Node's default (about 4 GB here): a
 * runaway allocation dies here in seconds instead of taking the machine's memory.
 */
const HEAP_MB = 1_536;
const workerScript = path.join(__dirname, '..', '..', 'dist', 'check-worker.js');

// ------------------------------------------------------------------------------ programs

const NAMES = ['x', 'y', 'n', 'i', 'f', 'sizes', 'inputs', 'outputs', 'skips', 'blocks', 'é', '形状'];
const NUMBERS = ['0', '1', '2', '3', '8', '16', '32', '64', '65', '-1', '-5', '10**100', '2**63', '2**2000', '10**9', '1.5', '0.0', '1e308', 'True', 'None'];
const LAYERS: [string, string[]][] = [
  ['Conv2D', ['{n}', '3', 'strides={n}', 'padding="same"', 'padding="valid"', 'dilation_rate={n}', 'kernel_size=({n}, {n})']],
  ['Conv1D', ['{n}', '5', 'strides=2', 'padding="causal"']],
  ['Conv2DTranspose', ['{n}', '3', 'strides=2', 'padding="same"', 'output_padding={n}']],
  ['MaxPooling2D', ['{n}', 'strides={n}', 'padding="same"']],
  ['Dense', ['{n}', 'activation="relu"']],
  ['Flatten', []],
  ['Reshape', ['({n}, -1)', '(-1,)', '({n}, {n}, {n})']],
  ['Concatenate', ['axis={n}']],
  ['Add', []],
  ['UpSampling2D', ['{n}', 'size=({n}, {n})']],
  ['ZeroPadding2D', ['{n}', '(({n}, {n}), ({n}, {n}))']],
  ['Cropping2D', ['{n}']],
  ['Embedding', ['{n}', '{n}']],
  ['LSTM', ['{n}', 'return_sequences=True']],
  ['BatchNormalization', []],
  ['Dropout', ['0.5']],
  ['GlobalAveragePooling2D', []],
];

const name = fc.constantFrom(...NAMES);
const number = fc.constantFrom(...NUMBERS);

function fill(template: string, n: string[]): string {
  let k = 0;
  return template.replace(/\{n\}/g, () => n[k++ % n.length]);
}

const layer = fc
  .tuple(fc.constantFrom(...LAYERS), fc.array(fc.nat(), { maxLength: 3 }), fc.array(number, { minLength: 1, maxLength: 4 }))
  .map(([[cls, args], picks, ns]) => `layers.${cls}(${[...new Set(picks.map((p) => args[p % Math.max(1, args.length)]).filter(Boolean))].map((a) => fill(a, ns)).join(', ')})`);

const { expr } = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    number,
    name,
    fc.tuple(tie('expr'), fc.constantFrom(' + ', ' - ', ' * ', ' // ', ' / ', ' % ', ' ** ', ' < ', ' == ', ' and ', ' or ', ' if x else '), tie('expr')).map(([a, o, b]) => `${a}${o}${b}`),
    fc.tuple(
      fc.constantFrom('range', 'len', 'list', 'tuple', 'sorted', 'reversed', 'enumerate', 'sum', 'min', 'max', 'abs', 'int', 'float', 'str', 'any', 'all', 'set', 'iter', 'next'),
      tie('expr'),
    ).map(([f, a]) => `${f}(${a})`),
    fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `zip(${a}, ${b})`),
    fc.constantFrom('zip()', 'zip(*[])', 'list(zip())'),
    fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `range(${a}, ${b})`),
    fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `[${a}, ${b}]`),
    fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `(${a}, ${b})`),
    fc.tuple(tie('expr'), number).map(([a, k]) => `[${a}] * ${k}`),
    fc.tuple(tie('expr'), number).map(([a, k]) => `(${a},) * ${k}`),
    number.map((k) => `"ab" * ${k}`),
    fc.tuple(tie('expr'), name, tie('expr')).map(([a, v, it]) => `[${a} for ${v} in ${it}]`),
    fc.tuple(tie('expr'), tie('expr')).map(([a, i]) => `${a}[${i}]`),
    fc.tuple(tie('expr'), tie('expr')).map(([a, i]) => `${a}[${i}:]`),
    fc.tuple(name, tie('expr')).map(([f, a]) => `${f}(${a})`),
    fc.tuple(name, tie('expr')).map(([v, a]) => `(lambda ${v}: ${a})`),
    fc.tuple(tie('expr'), tie('expr')).map(([k, v]) => `{${k}: ${v}}`),
    tie('expr').map((a) => `f"{${a}}"`),
    tie('expr').map((a) => `${a}.shape`),
    fc.tuple(layer, tie('expr')).map(([l, a]) => `${l}(${a})`),
    fc.array(number, { minLength: 1, maxLength: 4 }).map((ns) => `keras.Input((${ns.join(', ')},))`),
  ),
}));

const { stmt } = fc.letrec<{ stmt: string[] }>((tie) => ({
  stmt: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(name, expr).map(([v, e]) => [`${v} = ${e}`]),
    fc.tuple(name, layer, name).map(([v, l, a]) => [`${v} = ${l}(${a})`]),
    fc.tuple(name, fc.constantFrom('+', '-', '*')).map(([v, o]) => [`${v} ${o}= 1`]),
    fc.array(number, { minLength: 1, maxLength: 4 }).map((ns) => [`inputs = keras.Input((${ns.join(', ')}))`]),
    fc.array(layer, { minLength: 1, maxLength: 6 }).map((ls) => [`model = keras.Sequential([`, ...ls.map((l) => `    ${l},`), '])']),
    fc.tuple(name, expr, tie('stmt')).map(([v, it, body]) => [`for ${v} in ${it}:`, ...body.map((l) => `    ${l}`)]),
    fc.tuple(expr, tie('stmt')).map(([c, body]) => [`while ${c}:`, ...body.map((l) => `    ${l}`)]),
    tie('stmt').map((body) => ['while True:', ...body.map((l) => `    ${l}`)]),
    fc.tuple(expr, tie('stmt'), tie('stmt')).map(([c, a, b]) => [`if ${c}:`, ...a.map((l) => `    ${l}`), 'else:', ...b.map((l) => `    ${l}`)]),
    fc.tuple(name, tie('stmt'), expr).map(([f, body, r]) => [`def ${f}(x, n=1):`, ...body.map((l) => `    ${l}`), `    return ${r}`]),
    fc.tuple(name, name).map(([f, g]) => [`def ${f}(x):`, `    return ${g}(x) + ${g}(x)`]),
    fc.tuple(name, expr).map(([f, a]) => [`${f}(${a})`]),
    fc.tuple(name, name, expr).map(([a, b, e]) => [`${a}, ${b} = ${e}`]),
    name.map((v) => [`${v}.append(${v})`]),
    fc.constant<string[]>(['class Block(keras.Model):', '    def __init__(self, n):', '        super().__init__()', '        self.c = [layers.Conv2D(8, 3) for _ in range(n)]', '    def call(self, x):', '        for c in self.c:', '            x = c(x)', '        return x']),
    fc.constant<string[]>(['try:', '    x = layers.Dense(4)(x)', 'except Exception:', '    pass']),
    fc.constantFrom<string[]>(['x = ('], ['y = layers.Conv2D(8, 3, padding="sa'], ['def g(:'], ['  return'], ['%matplotlib inline'], ['x = [1, 2']),
  ),
}));

const program = fc.array(stmt, { minLength: 1, maxLength: 14 }).map((blocks) =>
  ['import keras', 'from keras import layers', 'x = keras.Input((32, 32, 3))', ...blocks.flat(), ''].join('\n'),
);

// ------------------------------------------------------------------------------ the worker

let dir: string;
let worker: Worker | undefined;
let next = 0;
const stats = { programs: 0, slowestMs: 0 };

function startWorker(): Worker {
  return new Worker(workerScript, { resourceLimits: { maxOldGenerationSizeMb: HEAP_MB } });
}

/** Checks one program in the worker: its report, or why there is none (crash, time limit). */
function checkInWorker(text: string): Promise<{ ok: true; report: WorkerResponse['report']; ms: number } | { ok: false; why: string }> {
  worker ??= startWorker();
  const w = worker;
  const id = next++;
  const file = path.join(dir, `p${id}.py`);
  writeFileSync(file, text);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const done = (r: { ok: true; report: WorkerResponse['report']; ms: number } | { ok: false; why: string }) => {
      clearTimeout(timer);
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
      if (!r.ok) {
        void w.terminate();
        if (worker === w) worker = undefined;
      }
      resolve(r);
    };
    const onMessage = (res: WorkerResponse) => {
      if (res.id === id) done({ ok: true, report: res.report, ms: performance.now() - t0 });
    };
    const onError = (e: Error) => done({ ok: false, why: `the worker died: ${e.message}` });
    const onExit = (code: number) => done({ ok: false, why: `the worker exited (${code})` });
    const timer = setTimeout(() => done({ ok: false, why: `no answer after ${TIME_LIMIT_MS} ms (a hang)` }), TIME_LIMIT_MS);
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    w.postMessage({ id, absolute: file, display: `p${id}.py`, config: defaultAnalysisConfig() });
  });
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'shapewise-analysis-fuzz-'));
});

afterAll(async () => {
  await worker?.terminate();
  rmSync(dir, { recursive: true, force: true });
});

describe('random programs through the analysis', () => {
  // A def or class inside nested `while True:` loops once kept every definition until the work
  // bound stopped the analysis (0.5-0.9 GB for these five lines). Found by this fuzzer (seed 2).
  it('a def in nested endless loops is analysed in a small heap', async () => {
    const w = new Worker(workerScript, { resourceLimits: { maxOldGenerationSizeMb: 384 } });
    try {
      const file = path.join(dir, 'nested-loops.py');
      writeFileSync(file, 'import keras\nwhile True:\n    while True:\n        def f():\n            pass\n');
      const report = await new Promise<WorkerResponse['report']>((resolve, reject) => {
        w.on('message', (res: WorkerResponse) => resolve(res.report));
        w.on('error', reject);
        w.postMessage({ id: 0, absolute: file, display: 'nested-loops.py', config: defaultAnalysisConfig() });
      });
      expect(report.error).toBeUndefined();
    } finally {
      await w.terminate();
    }
  }, 60_000);

  it(`${RUNS} programs: no hang, no crash, no internal error, positions inside the text (seed ${SEED})`, async () => {
    const t0 = performance.now();
    const out = await fc.check(
      fc.asyncProperty(program, async (text) => {
        const r = await checkInWorker(text);
        if (!r.ok) throw new Error(r.why);
        stats.programs++;
        stats.slowestMs = Math.max(stats.slowestMs, r.ms);
        const { report } = r;
        if (report.error !== undefined) throw new Error(`error: ${report.error}`);
        const lines = text.split(/\r\n|\r|\n/);
        for (const d of report.diagnostics) {
          if (d.line < 1 || d.line > lines.length || d.column < 1 || d.column > [...lines[d.line - 1]].length + 1) throw new Error(`diagnostic outside the text: ${JSON.stringify(d)}`);
          if (d.message.length === 0) throw new Error('a diagnostic without a message');
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: false, interruptAfterTimeLimit: 200_000 },
    );
    if (out.failed) {
      const message = [
        `Analysis fuzzing failed (seed ${out.seed}, replay path "${out.counterexamplePath}", after ${out.numRuns} runs and ${out.numShrinks} shrinks).`,
        `Shrunk program:\n${String(out.counterexample?.[0])}`,
        `Error: ${out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance)}`,
      ].join('\n');
      console.error(message);
      throw new Error(message);
    }
    console.log(
      `analysis fuzz: ${stats.programs} programs in ${((performance.now() - t0) / 1000).toFixed(1)} s, slowest ${stats.slowestMs.toFixed(0)} ms (seed ${SEED})`,
    );
    expect(stats.programs).toBeGreaterThan(0);
  }, 300_000);
});
