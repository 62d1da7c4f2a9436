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
  // On a closed pipe the run goes on without output to its own exit status: a JSON report is
  // written while the worker threads still check files, and exiting at the EPIPE gave 0 however
  // many errors the files had (`set -o pipefail` read it as a pass).
  let stdoutClosed = false;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') {
      stdoutClosed = true;
      return;
    }
    process.stderr.write(`shapewise: error: cannot write the report: ${describeFsError(e)}\n`);
    process.exit(EXIT_USAGE_OR_UNREADABLE);
  });
  // Nowhere to say anything (stderr to a full disk or a closed pipe): the run and its status go on.
  process.stderr.on('error', () => {});
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
      stdout: (s) => void (stdoutClosed || process.stdout.write(s)),
      stderr: say,
      createAnalyzer: () => {
        analysedHere = true;
        return Analyzer.create();
      },
      workerScript: workerScript(),
      codeCacheDir: options.codeCacheDir,
    });
    return { code, analysedHere };
  } catch (e) {
    say(`shapewise: internal error (please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return { code: 2, analysedHere };
  }
}

/** Writes to stderr; a write that fails (a closed pipe: such writes can throw) changes nothing else. */
function say(text: string): void {
  try {
    process.stderr.write(text);
  } catch {
    // nowhere to say it
  }
}

/** dist/check-worker.js beside the bundled checker; absent when running from source. */
function workerScript(): string | undefined {
  const p = path.join(__dirname, 'check-worker.js');
  return existsSync(p) ? p : undefined;
}
