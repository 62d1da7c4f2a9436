// Turns the PATH arguments into the files to check. Files named explicitly are always checked;
// folders are searched for *.py and *.ipynb honouring .gitignore (globby reads the folder's
// .gitignore files and, inside a Git repository, those of its parents up to the root), and
// skipping node_modules, .git, virtual environments and caches. Symbolic links inside folders
// are not followed (no loops, no file checked twice); a link named explicitly is checked.
import fs, { statSync } from 'node:fs';
import path from 'node:path';
import { globby } from 'globby';
import { describeFsError } from './read-source';

export interface FileToCheck {
  absolute: string;
  /** Relative to the current directory, forward slashes (absolute when given so and outside). */
  display: string;
}

export interface PathProblem {
  display: string;
  error: string;
}

export interface Collected {
  /** Sorted by display path, without duplicates. */
  files: FileToCheck[];
  /** Paths that do not exist or cannot be listed, sorted. */
  problems: PathProblem[];
  /** Things worth telling (a folder with nothing to check). */
  notes: string[];
}

export const SOURCE_PATTERNS = ['**/*.py', '**/*.ipynb'];

/** Never searched, .gitignore or not (dot folders are skipped anyway: `dot: false`). */
export const EXCLUDED_FOLDERS = [
  '**/node_modules/**',
  '**/.git/**',
  '**/.hg/**',
  '**/.svn/**',
  '**/.venv/**',
  '**/venv/**',
  '**/site-packages/**',
  '**/__pycache__/**',
  '**/.ipynb_checkpoints/**',
  '**/.tox/**',
  '**/.nox/**',
];

/** A folder holding this file is a virtual environment, whatever its name. */
const VENV_MARKER = 'pyvenv.cfg';

export async function collectFiles(args: string[], cwd: string): Promise<Collected> {
  const files = new Map<string, FileToCheck>();
  const problems: PathProblem[] = [];
  const notes: string[] = [];
  for (const arg of args) {
    const absolute = path.resolve(cwd, arg);
    const show = (abs: string) => displayPath(abs, cwd, path.isAbsolute(arg));
    let isDir: boolean;
    try {
      isDir = statSync(absolute).isDirectory();
    } catch (e) {
      problems.push({ display: show(absolute), error: describeFsError(e) });
      continue;
    }
    if (!isDir) {
      files.set(absolute, { absolute, display: show(absolute) });
      continue;
    }
    let found: Awaited<ReturnType<typeof searchFolder>>;
    try {
      found = await searchFolder(absolute);
    } catch (e) {
      problems.push({ display: show(absolute), error: `cannot search folder: ${describeFsError(e)}` });
      continue;
    }
    for (const p of found.problems) problems.push({ display: show(p.path), error: p.error });
    if (found.files.length === 0 && found.problems.length === 0) {
      notes.push(`no .py or .ipynb files to check in ${show(absolute)} (files ignored by .gitignore are skipped)`);
    }
    for (const f of found.files) files.set(f, { absolute: f, display: show(f) });
  }
  const sorted = [...files.values()].sort((a, b) => compare(a.display, b.display));
  // The walker may fail on one unreadable folder more than once (once per pattern it tries).
  const unique = [...new Map(problems.map((p) => [p.display, p])).values()];
  unique.sort((a, b) => compare(a.display, b.display));
  return { files: sorted, problems: unique, notes };
}

async function searchFolder(folder: string): Promise<{ files: string[]; problems: { path: string; error: string }[] }> {
  const problems: { path: string; error: string }[] = [];
  // fast-glob aborts the whole search on an unreadable sub-folder unless errors are suppressed;
  // suppress them, but keep a note of each so it is reported.
  const readdir = ((dir: fs.PathLike, ...rest: unknown[]) => {
    const cb = rest.pop() as (err: NodeJS.ErrnoException | null, entries?: unknown) => void;
    (fs.readdir as (...a: unknown[]) => void)(dir, ...rest, (err: NodeJS.ErrnoException | null, entries: unknown) => {
      if (err && err.code !== 'ENOENT') problems.push({ path: String(dir), error: `cannot list folder: ${describeFsError(err)}` });
      cb(err, entries);
    });
  }) as typeof fs.readdir;
  // fast-glob reads a backslash in its folder as an escape on every platform: a folder whose
  // path holds one is found empty. Said, rather than a run that checked nothing and passed.
  if (path.sep === '/' && folder.includes('\\')) {
    throw new Error('its path contains a backslash, which the folder search cannot take; name its files instead');
  }
  // Relative results joined here: fast-glob's absolute ones turn a backslash in a file's name
  // into a slash (`back\slash.py` became `back/slash.py`, a file that does not exist).
  const relative = await globby([...SOURCE_PATTERNS, `**/${VENV_MARKER}`], {
    cwd: folder,
    absolute: false,
    onlyFiles: true,
    dot: false,
    gitignore: true,
    followSymbolicLinks: false,
    suppressErrors: true,
    ignore: EXCLUDED_FOLDERS,
    fs: { ...fs, readdir },
  });
  const found = relative.map((r) => path.join(folder, r));
  const venvs = found.filter((f) => path.basename(f) === VENV_MARKER).map((f) => path.dirname(f) + path.sep);
  const files = found.filter((f) => path.basename(f) !== VENV_MARKER && !venvs.some((v) => f.startsWith(v)));
  return { files: files.map((f) => path.normalize(f)), problems };
}

/**
 * How a path is shown: relative to the current directory, as the user would type it; an
 * absolute argument outside the current directory stays absolute. Always forward slashes.
 */
export function displayPath(absolute: string, cwd: string, givenAbsolute: boolean): string {
  const rel = path.relative(cwd, absolute);
  const outside = rel === '..' || rel.startsWith('..' + path.sep) || path.isAbsolute(rel);
  const shown = outside && givenAbsolute ? absolute : rel === '' ? '.' : rel;
  return shown.split(path.sep).join('/');
}

/** Code-unit order: the same on every machine and locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
