// Time to first inlay hints, for Shapewise (cold start) and for a peer language server
// (basedpyright), with the same client and the same procedure: spawn `node SERVER --stdio`,
// initialize (rootUri = the file's folder), initialized, didOpen the file right away, then ask
// for the hints of its first 100 lines until the answer is not empty (a server may answer with
// nothing while it is still analysing; the next request goes 10 ms after an empty answer).
//   initMs        spawn to the initialize result
//   openToHintsMs didOpen sent to the first non-empty hint response
//   spawnMs       spawn to the first non-empty hint response (the cold start)
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { cacheDir, countLines, fileUri, trackChild, visibleRange } from './common.mjs';
import { withServer } from './lsp-client.mjs';

export async function firstHints(spec, file, { timeoutMs = 60_000 } = {}) {
  const text = readFileSync(file, 'utf8');
  const uri = fileUri(file);
  const folder = fileUri(path.dirname(file));
  const range = visibleRange(0, countLines(text));
  return withServer(spec, async (server) => {
    await server.initialize({ rootUri: folder, workspaceFolders: [{ uri: folder, name: path.basename(path.dirname(file)) }], timeoutMs });
    const initMs = server.initializedAt - server.spawnedAt;
    const opened = performance.now();
    await server.open(uri, text);
    const deadline = opened + timeoutMs;
    let requests = 0;
    for (;;) {
      requests++;
      const hints = await server.hints(uri, range, Math.max(1000, deadline - performance.now()));
      const now = performance.now();
      if (Array.isArray(hints) && hints.length > 0) {
        return { initMs, openToHintsMs: now - opened, spawnMs: now - server.spawnedAt, hints: hints.length, requests, rssMB: server.memory().rssMB };
      }
      if (now > deadline) throw new Error(`${spec.name} gave no inlay hints within ${timeoutMs} ms of didOpen`);
      await new Promise((r) => setTimeout(r, 10));
    }
  });
}

// ------------------------------------------------------------------------------ basedpyright

/** The peer's version, pinned so runs compare (the newest on the npm registry when this was written). */
export const BASEDPYRIGHT_VERSION = '1.40.1';

/**
 * Installs basedpyright from the npm registry into the cache folder unless it is there already.
 * Returns the language server's entry script, or throws with the reason.
 */
export async function installBasedpyright(version = BASEDPYRIGHT_VERSION, timeoutMs = 180_000) {
  const prefix = path.join(cacheDir, `basedpyright-${version}`);
  const pkg = path.join(prefix, 'node_modules', 'basedpyright');
  const entry = () => {
    // The package's bin: basedpyright-langserver.
    const bin = JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8')).bin?.['basedpyright-langserver'] ?? 'langserver.index.js';
    return path.join(pkg, bin);
  };
  if (existsSync(path.join(pkg, 'package.json')) && existsSync(entry())) return { entry: entry(), installed: false };
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const args = ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', '--ignore-scripts', '--loglevel', 'error', `basedpyright@${version}`];
  await new Promise((resolve, reject) => {
    let stderr = '';
    const child = trackChild(spawn(npm, args, { stdio: ['ignore', 'ignore', 'pipe'] }));
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`npm install basedpyright@${version} took over ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run npm: ${e.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`npm install basedpyright@${version} failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
  if (!existsSync(entry())) throw new Error(`basedpyright@${version} installed, but ${entry()} is missing`);
  return { entry: entry(), installed: true };
}

export function basedpyrightServer(entry) {
  return {
    name: 'basedpyright',
    args: [entry, '--stdio'],
    // Every kind of inlay hint on (most are on by default); only the open file is checked.
    configuration: (section) => {
      if (section === 'basedpyright.analysis') {
        return {
          inlayHints: { variableTypes: true, callArgumentNames: true, functionReturnTypes: true, genericTypes: true },
          diagnosticMode: 'openFilesOnly',
        };
      }
      return section === 'basedpyright' || section === 'python' || section === 'python.analysis' ? {} : null;
    },
  };
}
