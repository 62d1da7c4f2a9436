// Entry of a worker thread of `shapewise check` (dist/check-worker.js): loads the worker itself
// (dist/check-worker-main.js) through V8's code cache, in the folder the main thread names.
// Without a folder (the tests start this script directly) nothing is cached.
import path from 'node:path';
import { workerData } from 'node:worker_threads';
import type * as WorkerMain from './check-worker-main';
import { loadBundle } from './code-cache';

/** What the pool passes to each thread (parallel.ts). */
export interface CheckWorkerData {
  codeCacheDir?: string;
  /** Whether this thread writes the cache at the end of the run when there was none (one thread does). */
  writesCache?: boolean;
}

const data = (workerData ?? {}) as CheckWorkerData;
const bundle = loadBundle<typeof WorkerMain>(path.join(__dirname, 'check-worker-main.js'), data.codeCacheDir);
bundle.exports.startWorker({ onClose: data.writesCache ? () => void bundle.save() : undefined });
