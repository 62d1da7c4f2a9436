// The command-line checker proper (bundled to dist/cli-main.js), which the small entry cli.ts
// loads through V8's code cache. The work is in cli/: run.ts drives it, check-file.ts checks
// one file, reporters/ format the results.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Analyzer } from './analysis';
import { EXIT_USAGE_OR_UNREADABLE } from './cli/args';
import { describeFsError } from './cli/read-source';
import { main } from './cli/run';

export interface CliOutcome {
  code: number;
  /** Whether files were analysed on this thread (not only on worker threads). */
  analysedHere: boolean;
}

/** Runs `shapewise` with the process's arguments; never rejects. */
export async function runCli(options: { codeCacheDir?: string }): Promise<CliOutcome> {
  // A closed pipe (`shapewise check . | head`) is not an error of the checker. Nowhere to put
  // the report (a full disk, a read-only file) is: said plainly, with the status of a run that
  // could not do its job rather than Node's stack trace and the status of findings.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.stderr.write(`shapewise: error: cannot write the report: ${describeFsError(e)}\n`);
    process.exit(EXIT_USAGE_OR_UNREADABLE);
  });
  let cwd: string;
  try {
    cwd = process.cwd();
  } catch (e) {
    // Run from a folder deleted meanwhile: paths are shown relative to it, so nothing can run.
    process.stderr.write(`shapewise: error: cannot read the current folder (deleted?): ${describeFsError(e)}\n`);
    return { code: EXIT_USAGE_OR_UNREADABLE, analysedHere: false };
  }
  let analysedHere = false;
  try {
    const code = await main(process.argv.slice(2), {
      cwd,
      stdout: (s) => void process.stdout.write(s),
      stderr: (s) => void process.stderr.write(s),
      createAnalyzer: () => {
        analysedHere = true;
        return Analyzer.create();
      },
      workerScript: workerScript(),
      codeCacheDir: options.codeCacheDir,
    });
    return { code, analysedHere };
  } catch (e) {
    process.stderr.write(`shapewise: internal error (please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return { code: 2, analysedHere };
  }
}

/** dist/check-worker.js beside the bundled checker; absent when running from source. */
function workerScript(): string | undefined {
  const p = path.join(__dirname, 'check-worker.js');
  return existsSync(p) ? p : undefined;
}
