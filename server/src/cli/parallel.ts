// Checking many files on every core: worker threads, each with its own parser, take files from
// one queue as they finish the previous one (files differ widely in size).
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AnalysisConfig } from '../config';
import type { FileReport, OutputFormat } from './types';

export interface WorkerRequest {
  id: number;
  absolute: string;
  display: string;
  config: AnalysisConfig;
  /** The report's format: the worker writes a file's JSON itself and keeps its layers. */
  format: OutputFormat;
}

export interface WorkerResponse {
  id: number;
  report: FileReport;
}

/** Below this many files, starting workers (each loads the parser) costs more than it saves. */
export const MIN_FILES_FOR_WORKERS = 8;

export function workerCount(files: number): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cores, 8, Math.ceil(files / 4)));
}

/** Checks the files on worker threads; reports come back in the order of `files`. */
export function checkInWorkers(
  script: string,
  files: readonly { absolute: string; display: string }[],
  config: AnalysisConfig,
  format: OutputFormat,
): Promise<FileReport[]> {
  return new Promise((resolve, reject) => {
    const reports: FileReport[] = new Array(files.length);
    let next = 0;
    let done = 0;
    const workers: Worker[] = [];
    const finish = (): void => {
      for (const w of workers) void w.terminate();
      resolve(reports);
    };
    const feed = (w: Worker): void => {
      if (next >= files.length) return;
      const id = next++;
      w.postMessage({ id, absolute: files[id].absolute, display: files[id].display, config, format } satisfies WorkerRequest);
    };
    const n = workerCount(files.length);
    for (let i = 0; i < n; i++) {
      const w = new Worker(script);
      workers.push(w);
      w.on('message', (res: WorkerResponse) => {
        reports[res.id] = res.report;
        done++;
        if (done === files.length) finish();
        else feed(w);
      });
      w.on('error', (e) => {
        for (const other of workers) void other.terminate();
        reject(e);
      });
      feed(w);
    }
  });
}
