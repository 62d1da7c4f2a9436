// Checking many files on every core: worker threads, each with its own parser, take files from
// one queue as they finish the previous one (files differ widely in size).
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CheckWorkerData } from '../check-worker';
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

/** Sent when the run is over: the thread writes its code cache if it is the one to, and ends. */
export interface WorkerClose {
  close: true;
}

export interface WorkerResponse {
  id: number;
  report: FileReport;
}

/**
 * Files handed to a thread before it answers: it starts its next file without waiting for the
 * main thread to take its report and send another (idle gaps of about 3% of a thread's time).
 */
const FILES_IN_FLIGHT = 2;

/** Below this many files, starting workers (each loads the parser) costs more than it saves. */
export const MIN_FILES_FOR_WORKERS = 8;

function cores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

export function workerCount(files: number): number {
  return Math.max(1, Math.min(cores(), 8, Math.ceil(files / 4)));
}

/**
 * Worker threads started before the files are known: a thread takes about as long to start
 * (Node's bootstrap, the bundle, the parser) as the folders take to search, so both happen at
 * once. `check` hands the files out; `close` ends the threads (unused ones too).
 */
export class WorkerPool {
  private readonly workers: Worker[];
  /** A thread that failed (its script would not load, or it crashed), kept for `check`. */
  private failure: unknown;
  private onFailure?: (e: unknown) => void;
  /** The reports `check` has received, by index (holes for the others): kept when a thread fails. */
  reportsSoFar: (FileReport | undefined)[] = [];

  /** Threads told to end (or ended): their exit is no failure. */
  private readonly ending = new WeakSet<Worker>();

  private constructor(script: string, count: number, codeCacheDir: string | undefined) {
    this.workers = [];
    const failed = (e: unknown): void => {
      this.failure ??= e;
      this.onFailure?.(e);
    };
    for (let i = 0; i < count; i++) {
      const workerData: CheckWorkerData = { codeCacheDir, writesCache: i === 0 };
      let w: Worker;
      try {
        w = new Worker(script, { workerData });
      } catch (e) {
        // No thread to be had (EAGAIN under a process limit, a runtime that forbids them).
        failed(e);
        break;
      }
      // Listened to from the start: a thread may fail while the folders are still searched.
      w.on('error', failed);
      // A thread that ends without an error (process.exit in it, killed) would leave its files
      // unanswered, and the run would end with nothing said and status 0.
      w.on('exit', (code) => {
        if (!this.ending.has(w)) failed(new Error(`a worker thread ended unexpectedly (exit code ${code})`));
      });
      this.workers.push(w);
    }
  }

  /**
   * As many threads as a folder of many files would use. `codeCacheDir`: where the threads find
   * V8's compiled code of the worker (the first one writes it when there is none).
   */
  static start(script: string, codeCacheDir?: string): WorkerPool {
    return new WorkerPool(script, workerCount(Infinity), codeCacheDir);
  }

  /**
   * Checks the files; reports come back in the order of `files`. `onReport` sees each report as
   * it arrives (in any order). Threads beyond what `files` needs are ended first.
   */
  check(
    files: readonly { absolute: string; display: string }[],
    config: AnalysisConfig,
    format: OutputFormat,
    onReport?: (index: number, report: FileReport) => void,
  ): Promise<FileReport[]> {
    for (const w of this.workers.splice(workerCount(files.length))) this.end(w);
    const workers = this.workers;
    return new Promise((resolve, reject) => {
      const reports: FileReport[] = new Array(files.length);
      this.reportsSoFar = reports;
      if (this.failure !== undefined) return reject(this.failure);
      if (files.length === 0) return resolve(reports);
      let next = 0;
      let done = 0;
      let failed = false;
      this.onFailure = (e) => {
        failed = true;
        reject(e);
      };
      const feed = (w: Worker): void => {
        if (next >= files.length) return;
        const id = next++;
        w.postMessage({ id, absolute: files[id].absolute, display: files[id].display, config, format } satisfies WorkerRequest);
      };
      for (const w of workers) {
        w.on('message', (res: WorkerResponse) => {
          if (failed) return;
          reports[res.id] = res.report;
          // The next file first: writing out a report may block (stdout to a file or a pipe).
          feed(w);
          onReport?.(res.id, res.report);
          if (++done === files.length) resolve(reports);
        });
        for (let i = 0; i < FILES_IN_FLIGHT; i++) feed(w);
      }
    });
  }

  /**
   * Ends the threads: each finishes what it does, writes the code cache if it is the one to, and
   * ends (the process waits for it). `failed`: end them at once instead (a thread failed).
   */
  close(failed = false): void {
    for (const w of this.workers.splice(0)) this.end(w, failed || this.failure !== undefined);
  }

  private end(w: Worker, now = false): void {
    this.ending.add(w);
    if (now) void w.terminate();
    else w.postMessage({ close: true } satisfies WorkerClose);
  }
}
