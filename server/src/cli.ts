// `shapewise check PATH...`: the command-line checker (bundled to dist/cli.js). The work is in
// cli/: run.ts drives it, check-file.ts checks one file, reporters/ format the results.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Analyzer } from './analysis';
import { main } from './cli/run';

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
