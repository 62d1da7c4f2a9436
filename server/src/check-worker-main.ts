// A worker thread of `shapewise check`: one Analyzer, files in, FileReports out (plain data,
// structured-cloned back to the main thread). Only the JSON report shows layers, and the worker
// writes that part itself: a file's layers never cross threads. Bundled to
// dist/check-worker-main.js, which the small entry check-worker.ts loads through V8's code cache.
import { parentPort } from 'node:worker_threads';
import { Analyzer } from './analysis';
import { checkFile } from './cli/check-file';
import { encodeJsonFile } from './cli/reporters/json';
import { worstSeverity } from './cli/severity';
import type { FileReport } from './cli/types';
import type { WorkerClose, WorkerRequest, WorkerResponse } from './cli/parallel';

/**
 * `onClose`: called when the run is over, before the thread ends, if the thread checked a file
 * (it may write the code cache, which then holds the analysis).
 */
export function startWorker(options: { onClose?: () => void }): void {
  const port = parentPort;
  if (!port) return;
  const analyzer = Analyzer.create();
  let checked = 0;
  port.on('message', (req: WorkerRequest | WorkerClose) => {
    if ('close' in req) {
      // After the files in flight: their handlers were queued on the analyzer first.
      void analyzer.finally(() => {
        if (checked > 0) options.onClose?.();
        port.close();
      });
      return;
    }
    analyzer.then(
      (a) => {
        const full = checkFile(req.absolute, a, req.config, req.display);
        checked++;
        const json = req.format === 'json' ? encodeJsonFile(full) : undefined;
        const report: FileReport = json ? { ...full, layers: [], diagnostics: [], json, worstSeverity: worstSeverity(full) } : { ...full, layers: [] };
        // The bytes are moved, not copied: the buffer is the report's own (not a pooled one).
        port.postMessage({ id: req.id, report } satisfies WorkerResponse, json ? [json.buffer] : []);
      },
      (e: unknown) => {
        const error = `cannot load the Python parser: ${e instanceof Error ? e.message : String(e)}`;
        port.postMessage({ id: req.id, report: { path: req.display, kind: 'python', layers: [], diagnostics: [], error } } satisfies WorkerResponse);
      },
    );
  });
}
