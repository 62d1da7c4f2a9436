// Initialize, capabilities, shutdown; and the built server as a standalone executable over stdio.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShutdownRequest, ExitNotification, DidOpenTextDocumentNotification, InlayHintRequest } from 'vscode-languageserver-protocol/node';
import { serverJs, startBuiltServer } from './built-server';
import { TestClient } from './harness';

describe('initialize', () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await TestClient.start();
  });
  afterAll(async () => {
    await client.stop();
  });

  it('advertises incremental sync, notebooks, hovers, inlay hints and quick fixes', () => {
    const caps = client.initializeResult.capabilities;
    expect(caps.positionEncoding).toBe('utf-16');
    expect(caps.textDocumentSync).toEqual({ openClose: true, change: 2 /* Incremental */ });
    expect(caps.notebookDocumentSync).toEqual({
      notebookSelector: [{ notebook: { notebookType: 'jupyter-notebook' }, cells: [{ language: 'python' }] }],
    });
    expect(caps.hoverProvider).toBe(true);
    expect(caps.inlayHintProvider).toEqual({ resolveProvider: true });
    expect(caps.codeActionProvider).toEqual({ codeActionKinds: ['quickfix'], resolveProvider: false });
    expect(client.initializeResult.serverInfo?.name).toBe('shapewise');
  });

  it('registers for configuration changes of the shapewise section', async () => {
    await client.until(() => client.registrations.length > 0, 'registration');
    expect(client.registrations[0].registrations).toEqual([
      expect.objectContaining({ method: 'workspace/didChangeConfiguration', registerOptions: { section: 'shapewise' } }),
    ]);
  });

  it('ignores documents that are not Python and answers requests on unknown documents with nothing', async () => {
    await client.open('file:///notes.md', 'keras.layers.Conv2D(8, 3)', 'markdown');
    expect(await client.inlayHints('file:///notes.md')).toEqual([]);
    expect(await client.hover('file:///nowhere.py', { line: 0, character: 0 })).toBeNull();
    expect(await client.codeActions('file:///nowhere.py', { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } })).toEqual([]);
  });
});

describe('shutdown', () => {
  it('refuses every request after shutdown with InvalidRequest, as LSP asks, a second shutdown too', async () => {
    const client = await TestClient.start();
    await client.open('file:///a.py', VALID);
    expect(await client.inlayHints('file:///a.py')).toHaveLength(2);
    await client.connection.sendRequest(ShutdownRequest.type);
    const refused = { code: -32600, message: expect.stringContaining('shut down') };
    await expect(client.inlayHints('file:///a.py')).rejects.toMatchObject(refused);
    await expect(client.hover('file:///a.py', { line: 3, character: 6 })).rejects.toMatchObject(refused);
    await expect(client.codeActions('file:///a.py', { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } })).rejects.toMatchObject(refused);
    await expect(client.connection.sendRequest(ShutdownRequest.type)).rejects.toMatchObject(refused);
    client.connection.dispose();
  });
});

const VALID = 'import keras\nfrom keras import layers\nx = keras.Input(shape=(28, 28, 1))\ny = layers.Conv2D(4, 5)(x)\n';
/** The same with an unclosed call after it: read through the tree-sitter parser. */
const BROKEN = `${VALID}z = layers.Conv2D(4, 5)(\n`;

/** One session with the built server: initialize, open `text`, its hints, its first publish, shutdown, exit. */
async function session(args: string[], text: string, env: NodeJS.ProcessEnv = process.env, nodeArgs: string[] = []) {
  const server = await startBuiltServer(args, { env, nodeArgs });
  const { conn, published } = server;
  try {
    expect(server.initializeResult.capabilities.textDocumentSync).toEqual({ openClose: true, change: 2 });
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: 'file:///a.py', languageId: 'python', version: 1, text } });
    const hints = await conn.sendRequest(InlayHintRequest.type, {
      textDocument: { uri: 'file:///a.py' },
      range: { start: { line: 0, character: 0 }, end: { line: 4, character: 0 } },
    });
    for (let i = 0; i < 100 && published.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await conn.sendRequest(ShutdownRequest.type);
    await conn.sendNotification(ExitNotification.type);
    const exitCode = await server.exited;
    return { hints: hints?.map((h) => h.label), published: published[0], logs: server.logs.map((l) => l.message), exitCode, stderr: server.stderr() };
  } finally {
    server.close();
  }
}

describe('shapewise-language-server executable', () => {
  it('is the bin entry, built with a shebang and executable', () => {
    expect(existsSync(serverJs), 'dist/server.js is missing: run `npm run build` (npm test does)').toBe(true);
    const head = spawnSync('head', ['-c', '20', serverJs], { encoding: 'utf8' }).stdout;
    expect(head.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(serverJs).mode & 0o111).not.toBe(0);
  });

  it('prints usage on stderr and nothing on stdout when no transport is given', () => {
    const r = spawnSync(process.execPath, [serverJs], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--stdio');
  });

  it('speaks LSP over stdio: initialize, open, hints, diagnostics, shutdown, exit', async () => {
    const cacheDir = mkdtempSync(path.join(tmpdir(), 'shapewise-lifecycle-'));
    try {
      const r = await session(['--stdio', `--code-cache-dir=${cacheDir}`], VALID);
      // valid 5×5 on 28: 28 - 5 + 1 = 24.
      expect(r.hints).toEqual(['→ (None, 28, 28, 1)', '→ (None, 24, 24, 4)']);
      expect(r.published).toEqual({ uri: 'file:///a.py', version: 1, diagnostics: [] });
      expect(r.exitCode).toBe(0);
      // Logs go through the connection (window/logMessage), never to stderr or as stray stdout.
      expect(r.stderr).toBe('');
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('writes its code cache after the first analysis and starts from it next time; a damaged cache is written again', async () => {
    const cacheDir = mkdtempSync(path.join(tmpdir(), 'shapewise-lifecycle-'));
    try {
      const first = await session(['--stdio', `--code-cache-dir=${cacheDir}`], VALID);
      expect(first.logs.find((l) => l.includes(' ready'))).toMatch(/no code cache yet: it will be written to .*server-main-\w+\.v8cache/);
      const files = readdirSync(cacheDir);
      expect(files).toHaveLength(1);
      expect(first.logs.some((l) => l.startsWith(`Shapewise: wrote the code cache ${path.join(cacheDir, files[0])} (`))).toBe(true);

      // From the cache: the same answers, and the parser (loaded on demand for a broken file) works.
      const second = await session(['--stdio', `--code-cache-dir=${cacheDir}`], BROKEN);
      expect(second.logs.find((l) => l.includes(' ready'))).toContain(`(code cache ${path.join(cacheDir, files[0])})`);
      expect(second.hints).toEqual(['→ (None, 28, 28, 1)', '→ (None, 24, 24, 4)']);
      expect(second.exitCode).toBe(0);
      expect(second.stderr).toBe('');

      writeFileSync(path.join(cacheDir, files[0]), 'not a code cache');
      const third = await session(['--stdio', `--code-cache-dir=${cacheDir}`], VALID);
      expect(third.logs.find((l) => l.includes(' ready'))).toMatch(/is damaged: it will be written again/);
      expect(third.hints).toEqual(['→ (None, 28, 28, 1)', '→ (None, 24, 24, 4)']);
      expect(statSync(path.join(cacheDir, files[0])).size).toBeGreaterThan(100_000);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('no home folder and no XDG_CACHE_HOME (os.homedir throws, as for a user the system does not list): it runs without a cache', async () => {
    // It died at start of that (an uncaught SystemError), before reading a message.
    const dir = mkdtempSync(path.join(tmpdir(), 'shapewise-lifecycle-'));
    try {
      const preload = path.join(dir, 'no-home.cjs');
      writeFileSync(preload, "require('node:os').homedir = () => { throw new Error('A system error occurred: uv_os_homedir returned ENOENT'); };\n");
      const env: NodeJS.ProcessEnv = { ...process.env };
      delete env.HOME;
      delete env.XDG_CACHE_HOME;
      const r = await session(['--stdio'], VALID, env, ['--require', preload]);
      expect(r.logs.find((l) => l.includes(' ready'))).toContain('(code cache off)');
      expect(r.hints).toEqual(['→ (None, 28, 28, 1)', '→ (None, 24, 24, 4)']);
      expect(r.exitCode).toBe(0);
      expect(r.stderr).toBe('');
      const usage = spawnSync(process.execPath, ['--require', preload, serverJs, '--help'], { encoding: 'utf8', env, timeout: 20_000 });
      expect(usage.status).toBe(0);
      expect(usage.stderr).toContain('no home folder');
      expect(readdirSync(dir)).toEqual(['no-home.cjs']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--no-code-cache: no cache read or written', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'shapewise-lifecycle-'));
    try {
      // The default folder would be under XDG_CACHE_HOME: it must stay empty.
      const r = await session(['--stdio', '--no-code-cache'], VALID, { ...process.env, XDG_CACHE_HOME: home });
      expect(r.logs.find((l) => l.includes(' ready'))).toContain('(code cache off)');
      expect(r.hints).toEqual(['→ (None, 28, 28, 1)', '→ (None, 24, 24, 4)']);
      expect(readdirSync(home)).toEqual([]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
