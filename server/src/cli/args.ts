// The command line: commander parses it (help, version, choices, usage errors); usage errors
// exit with status 2, as the contract says, instead of commander's 1.
import { Command, CommanderError, Option } from 'commander';
import type { DataFormat } from '../engine/types';
import { TOOL_VERSION } from './rules';
import { DATA_FORMATS, FAIL_ON_LEVELS, OUTPUT_FORMATS, type CheckOptions, type FailOn, type OutputFormat } from './types';

export type ParsedArgs = { kind: 'check'; options: CheckOptions } | { kind: 'exit'; code: number };

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE_OR_UNREADABLE = 2;

const CHECK_HELP_AFTER = `
Folders are searched for *.py and *.ipynb files, honouring .gitignore and skipping
node_modules, .git, virtual environments and caches, and not following symbolic
links; files named explicitly are always checked.

Lines count from 1 and columns count Unicode code points. In notebooks, lines
count over the code cells joined in order; the text format adds the cell
(counted from 1) and the line within it, the JSON gives "cell" (0-based index
among all cells) and "cellLine".

Exit status:
  0  nothing at or above --fail-on was found
  1  something at or above --fail-on was found
  2  usage error, a path that could not be read or checked (every other
     file is still checked and reported), or a report that could not be
     written

Examples:
  shapewise check models/ notebooks/train.ipynb
  shapewise check . --format sarif > shapewise.sarif
  shapewise check src --fail-on warning --data-format channels_first`;

// Read by the entry (cli.ts) before anything else loads, wherever it is; accepted here (before
// or after `check`) so that it is no error.
const CODE_CACHE_HELP = "do not read or write V8's compiled code of the checker (kept to start faster)";

export function parseArguments(argv: readonly string[], io: Output): ParsedArgs {
  let parsed: CheckOptions | undefined;
  const program = new Command('shapewise')
    .description('Keras layer output shapes and TensorFlow padding, checked without running the code.')
    .version(TOOL_VERSION, '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(run "shapewise --help" for usage)')
    .option('--no-code-cache', CODE_CACHE_HELP);

  program
    .command('check')
    .description('check Python files and Jupyter notebooks for shape and padding problems')
    .argument('<paths...>', 'files or folders to check')
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('text'))
    .addOption(new Option('--fail-on <severity>', 'lowest severity that makes the exit status 1').choices(FAIL_ON_LEVELS).default('error'))
    .addOption(
      new Option('--data-format <format>', "what data_format=None means (Keras' image_data_format)").choices(DATA_FORMATS).default('channels_last'),
    )
    .option('--no-code-cache', CODE_CACHE_HELP)
    .helpOption('-h, --help', 'show this help')
    .showHelpAfterError('(run "shapewise check --help" for usage)')
    .addHelpText('after', CHECK_HELP_AFTER)
    .action((paths: string[], opts: { format: OutputFormat; failOn: FailOn; dataFormat: DataFormat }, command: Command) => {
      // An empty argument would resolve to the current folder: `check "$CHANGED"` with nothing
      // changed checked everything.
      if (paths.some((p) => p === '')) command.error('error: a path argument is empty');
      parsed = { paths, format: opts.format, failOn: opts.failOn, dataFormat: opts.dataFormat };
    });

  try {
    program.parse([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return { kind: 'exit', code: e.exitCode === 0 ? EXIT_OK : EXIT_USAGE_OR_UNREADABLE };
    throw e;
  }
  return parsed ? { kind: 'check', options: parsed } : { kind: 'exit', code: EXIT_USAGE_OR_UNREADABLE };
}
