// Loads web-tree-sitter and the Python grammar once per process. The wasm files sit next to
// the bundle in dist/ (copied by esbuild.mjs); when running from source they come from
// node_modules.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Language, Parser } from 'web-tree-sitter';

const RUNTIME_WASM = 'tree-sitter.wasm';
const PYTHON_WASM = 'tree-sitter-python.wasm';

let loading: Promise<Language> | undefined;

function bundleDir(): string | undefined {
  return typeof __dirname === 'string' ? __dirname : undefined;
}

function locate(file: string, packagePath: string): string {
  const dir = bundleDir();
  if (dir) {
    const beside = path.join(dir, file);
    if (existsSync(beside)) return beside;
  }
  const req = createRequire(dir ? path.join(dir, 'x.js') : path.join(process.cwd(), 'x.js'));
  return req.resolve(packagePath);
}

export function wasmPaths(): { runtime: string; python: string } {
  return {
    runtime: locate(RUNTIME_WASM, `web-tree-sitter/${RUNTIME_WASM}`),
    python: locate(PYTHON_WASM, `tree-sitter-python/${PYTHON_WASM}`),
  };
}

/** The Python language, loaded once. */
export function loadPython(): Promise<Language> {
  loading ??= (async () => {
    const paths = wasmPaths();
    await Parser.init({ locateFile: () => paths.runtime });
    // Bytes, not a path: given a path, web-tree-sitter reads the file through import(), which the
    // server's bundle cannot run (see server/src/code-cache.ts).
    return Language.load(readFileSync(paths.python));
  })();
  return loading;
}

/** A new parser for Python. Callers own it and must `delete()` it. */
export async function createPythonParser(): Promise<Parser> {
  const language = await loadPython();
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}
