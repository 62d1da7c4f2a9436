// A worker thread of `shapewise check`: one Analyzer, files in, FileReports out (plain data,
// structured-cloned back to the main thread). Bundled to dist/check-worker.js.
import { parentPort } from 'node:worker_threads';
import { Analyzer } from './analysis';
import { checkFile } from './cli/check-file';
import type { WorkerRequest, WorkerResponse } from './cli/parallel';

const port = parentPort;
if (port) {
  const analyzer = Analyzer.create();
  port.on('message', (req: WorkerRequest) => {
    analyzer.then(
      (a) => {
        const report = checkFile(req.absolute, a, req.config, req.display);
        port.postMessage({ id: req.id, report } satisfies WorkerResponse);
      },
      (e: unknown) => {
        const error = `cannot load the Python parser: ${e instanceof Error ? e.message : String(e)}`;
        port.postMessage({ id: req.id, report: { path: req.display, kind: 'python', layers: [], diagnostics: [], error } } satisfies WorkerResponse);
      },
    );
  });
}
