// `node test/bench/lowering.mjs`: times reading the syntax tree on generated files: the parse,
// the old lowering (copyTree + lowerModule) and the fast one (lowerTree). Not part of `npm test`.
// Bundles lowering-entry.ts with esbuild into a temporary folder, next to the two wasm files.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleEntry } from './common.mjs';

const out = mkdtempSync(path.join(os.tmpdir(), 'shapewise-bench-'));
try {
  const script = await bundleEntry('lowering-entry.ts', out, 'lowering');
  execFileSync(process.execPath, ['--expose-gc', script], { stdio: 'inherit' });
} finally {
  rmSync(out, { recursive: true, force: true });
}
