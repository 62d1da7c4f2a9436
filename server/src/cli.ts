// `shapewise check PATH...`: the command-line checker (bundled to dist/cli.js). The work is in
// cli/: run.ts drives it, check-file.ts checks one file, reporters/ format the results.
import { existsSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { Analyzer } from './analysis';
import { main } from './cli/run';

// A check is short, and each worker thread compiles the analysis for itself: V8's optimizing
// compiler took about a third of the checker's CPU time on a folder of 200 files, much of it
// inlining. Bytecode inlined into one function is capped lower than V8's default (920 bytes):
// less CPU in all (test/bench/README.md). V8's flags are the process's: set before any worker
// thread starts, they apply to every thread. The language server keeps the defaults: it runs
// for hours, so its compiled code matters more than the time spent compiling it.
const CHECKER_INLINING_BUDGET = 200;
v8.setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${CHECKER_INLINING_BUDGET}`);

// A closed pipe (`shapewise check . | head`) is not an error of the checker.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  createAnalyzer: () => Analyzer.create(),
  workerScript: workerScript(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`shapewise: internal error (please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);

/** dist/check-worker.js beside the bundled checker; absent when running from source. */
function workerScript(): string | undefined {
  const p = path.join(__dirname, 'check-worker.js');
  return existsSync(p) ? p : undefined;
}
