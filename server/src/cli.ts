// Entry of the command-line checker `shapewise` (dist/cli.js, the package's bin). It stays
// small: it sets V8's flags and loads the checker itself (dist/cli-main.js) through V8's code
// cache, which spares a new process compiling it and, on its first file, the functions the
// analysis runs (as the language server's entry does; see code-cache.ts).
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import type * as CliMain from './cli-main';
import { defaultCacheDir, loadBundle } from './code-cache';

// A check is short, and each worker thread compiles the analysis for itself: V8's optimizing
// compiler took about a third of the checker's CPU time on a folder of 200 files, much of it
// inlining. Bytecode inlined into one function is capped lower than V8's default (920 bytes):
// less CPU in all (test/bench/README.md). V8's flags are the process's: set before any worker
// thread starts, they apply to every thread; and before the bundle is compiled, since V8 takes
// a code cache only under the flags it was made with. The language server keeps the defaults:
// it runs for hours, so its compiled code matters more than the time spent compiling it.
const CHECKER_INLINING_BUDGET = 200;
setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${CHECKER_INLINING_BUDGET}`);

// Read here, before the bundle; the bundle's argument parser accepts the option and ignores it.
const cacheDir = process.argv.slice(2).includes('--no-code-cache') ? undefined : defaultCacheDir();
const bundle = loadBundle<typeof CliMain>(path.join(__dirname, 'cli-main.js'), cacheDir);
void bundle.exports.runCli({ codeCacheDir: cacheDir }).then((outcome) => {
  process.exitCode = outcome.code;
  // A cache of a run that only handed files to worker threads would hold little of the analysis.
  if (outcome.analysedHere) bundle.save();
});
