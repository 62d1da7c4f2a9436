// Bundles the extension client, the language server (a small entry and the server proper) and
// the checker into dist/ (CommonJS, platform node) and copies the two wasm files the parser loads
// at run time.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, existsSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const outdir = 'dist';
mkdirSync(outdir, { recursive: true });

// esbuild would pick web-tree-sitter's ESM build for a CommonJS bundle, which crashes at
// Parser.init (import.meta); point it at the package's own .cjs build instead.
const webTreeSitterCjs = require.resolve('web-tree-sitter');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  alias: { 'web-tree-sitter': webTreeSitterCjs },
};

const entries = [
  { entryPoints: ['client/src/extension.ts'], outfile: `${outdir}/extension.js`, external: ['vscode'] },
  // The server's entry is small and loads the server itself (server-main.js) through V8's code cache.
  { entryPoints: ['server/src/server.ts'], outfile: `${outdir}/server.js` },
  { entryPoints: ['server/src/server-main.ts'], outfile: `${outdir}/server-main.js` },
  // The checker's entry and its worker threads' entry are small too, and load the checker
  // (cli-main.js) and the worker (check-worker-main.js) through the code cache.
  { entryPoints: ['server/src/cli.ts'], outfile: `${outdir}/cli.js`, banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['server/src/cli-main.ts'], outfile: `${outdir}/cli-main.js` },
  { entryPoints: ['server/src/check-worker.ts'], outfile: `${outdir}/check-worker.js` },
  { entryPoints: ['server/src/check-worker-main.ts'], outfile: `${outdir}/check-worker-main.js` },
].filter((e) => existsSync(e.entryPoints[0]));

for (const wasm of [
  require.resolve('web-tree-sitter/tree-sitter.wasm'),
  require.resolve('tree-sitter-python/tree-sitter-python.wasm'),
]) {
  copyFileSync(wasm, path.join(outdir, path.basename(wasm)));
}

if (watch) {
  for (const e of entries) (await esbuild.context({ ...common, ...e })).watch();
} else {
  await Promise.all(entries.map((e) => esbuild.build({ ...common, ...e })));
  if (existsSync(`${outdir}/cli.js`)) chmodSync(`${outdir}/cli.js`, 0o755);
}
