// The check command from parsed options to output and exit status. Everything it touches comes
// in through CliEnv, so tests run it in-process with their own analyzer and streams.
import { statSync } from 'node:fs';
import path from 'node:path';
import { defaultAnalysisConfig, type AnalysisConfig } from '../config';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE_OR_UNREADABLE, parseArguments } from './args';
import { checkFile, isNotebookPath } from './check-file';
import { collectFiles } from './collect';
import { mergeByPath, OrderedWriter } from './report-order';
import { MIN_FILES_FOR_WORKERS, WorkerPool } from './parallel';
import { formatJson, JsonChunkWriter } from './reporters/json';
import { formatSarif } from './reporters/sarif';
import { formatText, printable } from './reporters/text';
import { TOOL_VERSION } from './rules';
import { SEVERITY_RANK, worstSeverity } from './severity';
import type { CheckOptions, FailOn, FileReport, SourceAnalyzer } from './types';

export interface CliEnv {
  cwd: string;
  /** Text, or UTF-8 bytes: a JSON report whose files the worker threads wrote comes as bytes, in pieces. */
  stdout(data: string | Uint8Array): void;
  stderr(text: string): void;
  /** Called once per run; the result is used for every file. */
  createAnalyzer(): Promise<SourceAnalyzer & { dispose?(): void }>;
  /** The bundled worker script (dist/check-worker.js); without it every file is checked here. */
  workerScript?: string;
  /** Where the worker threads keep V8's compiled code of themselves (none: not cached). */
  codeCacheDir?: string;
}

export async function main(argv: readonly string[], env: CliEnv): Promise<number> {
  const parsed = parseArguments(argv, { out: (s) => env.stdout(s), err: (s) => env.stderr(s) });
  if (parsed.kind === 'exit') return parsed.code;
  return runCheck(parsed.options, env);
}

export async function runCheck(options: CheckOptions, env: CliEnv): Promise<number> {
  const pool = env.workerScript && options.paths.some((p) => isFolder(path.resolve(env.cwd, p))) ? WorkerPool.start(env.workerScript, env.codeCacheDir) : undefined;
  try {
    const code = await check(options, env, pool);
    pool?.close();
    return code;
  } catch (e) {
    pool?.close(true);
    throw e;
  }
}

/** `pool`: worker threads already starting, used when the folders hold enough files. */
async function check(options: CheckOptions, env: CliEnv, pool: WorkerPool | undefined): Promise<number> {
  // Without threads under way, load the parser here while the folders are searched.
  const analyzerLoading = pool ? undefined : env.createAnalyzer();
  analyzerLoading?.catch(() => undefined);
  const collected = await collectFiles(options.paths, env.cwd);
  const config: AnalysisConfig = { ...defaultAnalysisConfig(), dataFormat: options.dataFormat };
  const problems: FileReport[] = collected.problems.map((p) => ({
    path: p.display,
    kind: isNotebookPath(p.display) ? 'notebook' : 'python',
    layers: [],
    diagnostics: [],
    error: p.error,
  }));
  // Both lists are sorted by path: the report lists them merged, each file by its index.
  const order = mergeByPath(problems, collected.files);

  const threads = pool && collected.files.length >= MIN_FILES_FOR_WORKERS ? pool : undefined;
  // The threads encode each file's JSON: it is written as soon as the files before it are done
  // (every other report is written at the end).
  const stream = threads && options.format === 'json' ? new OrderedWriter(order, new JsonChunkWriter((c) => env.stdout(c))) : undefined;
  let checked: FileReport[] | undefined;
  let fromThreads: (FileReport | undefined)[] = [];
  if (threads) {
    try {
      checked = await threads.check(collected.files, config, options.format, stream && ((i, r) => stream.add(i, r)));
    } catch (e) {
      // Threads that cannot start or die (a memory or process limit, a runtime without them):
      // the files they did not check are checked here, as a run of a few files would be.
      pool?.close(true);
      fromThreads = threads.reportsSoFar;
      env.stderr(`shapewise: note: the worker threads failed (${e instanceof Error ? e.message : String(e)}); checking the files on this thread\n`);
    }
  } else pool?.close();
  if (!checked) {
    let analyzer: SourceAnalyzer & { dispose?(): void };
    try {
      analyzer = await (analyzerLoading ?? env.createAnalyzer());
    } catch (e) {
      env.stderr(`shapewise: error: cannot load the Python parser: ${e instanceof Error ? e.message : String(e)}\n`);
      return EXIT_USAGE_OR_UNREADABLE;
    }
    try {
      checked = collected.files.map((f, i) => {
        const done = fromThreads[i];
        if (done) return done;
        const report = checkFile(f.absolute, analyzer, config, f.display);
        stream?.add(i, report);
        return report;
      });
    } finally {
      analyzer.dispose?.();
    }
  }
  stream?.end();
  const reports = order.map((slot) => (typeof slot === 'number' ? checked[slot] : slot));

  for (const note of collected.notes) env.stderr(`shapewise: note: ${printable(note)}\n`);
  for (const r of reports) {
    const shown = printable(r.path);
    if (r.error !== undefined) env.stderr(`shapewise: error: ${shown}: ${printable(r.error)}\n`);
    else if (r.notAnalysed !== undefined) env.stderr(`shapewise: note: ${shown} was not analysed: ${printable(r.notAnalysed)}\n`);
    if (r.stoppedEarly !== undefined) env.stderr(`shapewise: note: ${shown}: the analysis stopped part-way: ${printable(r.stoppedEarly)}\n`);
  }
  if (!stream) env.stdout(format(reports, options, env.cwd));
  return exitStatus(reports, options.failOn);
}

function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function format(reports: FileReport[], options: CheckOptions, cwd: string): string {
  switch (options.format) {
    case 'json':
      return formatJson(reports);
    case 'sarif':
      return formatSarif(reports, { toolVersion: TOOL_VERSION, cwd });
    default:
      return formatText(reports);
  }
}

const THRESHOLD: Record<FailOn, number> = { information: 1, warning: 2, error: 3, never: Infinity };

/** 2 when a file could not be checked; else 1 when a diagnostic is at or above failOn; else 0. */
export function exitStatus(reports: readonly FileReport[], failOn: FailOn): number {
  if (reports.some((r) => r.error !== undefined)) return EXIT_USAGE_OR_UNREADABLE;
  const failing = reports.some((r) => {
    const worst = r.json ? r.worstSeverity : worstSeverity(r);
    return worst !== undefined && SEVERITY_RANK[worst] >= THRESHOLD[failOn];
  });
  return failing ? EXIT_FINDINGS : EXIT_OK;
}
