// `node test/bench/lowering.mjs`: times reading the syntax tree on generated files: the parse,
// the old lowering (copyTree + lowerModule) and the fast one (lowerTree). Not part of `npm test`.
// Bundles lowering-entry.ts with esbuild into a temporary folder, next to the two wasm files.
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const out = mkdtempSync(path.join(os.tmpdir(), 'shapewise-bench-'));
try {
  await esbuild.build({
    entryPoints: [path.join(here, 'lowering-entry.ts')],
    outfile: path.join(out, 'lowering.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    // As esbuild.mjs: the package's CommonJS build (the ESM one needs import.meta).
    alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
  });
  for (const wasm of ['web-tree-sitter/tree-sitter.wasm', 'tree-sitter-python/tree-sitter-python.wasm']) {
    const from = require.resolve(wasm);
    copyFileSync(from, path.join(out, path.basename(from)));
  }
  execFileSync(process.execPath, ['--expose-gc', path.join(out, 'lowering.js')], { stdio: 'inherit' });
} finally {
  rmSync(out, { recursive: true, force: true });
}
