// server/src/code-cache.ts: a bundle loaded through V8's code cache runs as `require` would run
// it; the cache is written on request, used by the next process, rewritten when V8 rejects it,
// kept apart per content, and bounded per folder. Every load runs in its own process: within one
// process V8 keeps compiled scripts in memory and would never consult the cache on disk.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cacheFileName, defaultCacheDir, KEEP_CACHES, makeFolders, sealCache, unsealCache, type CodeCacheStatus } from '../server/src/code-cache';

let dir = '';
let runnerDir = '';
let runner = '';
beforeAll(() => {
  // A program that loads a bundle through loadBundle, calls it, and prints what happened.
  runnerDir = mkdtempSync(path.join(tmpdir(), 'shapewise-code-cache-runner-'));
  runner = path.join(runnerDir, 'runner.js');
  const source = `
import { loadBundle } from ${JSON.stringify(path.join(__dirname, '..', 'server', 'src', 'code-cache'))};
const [bundle, cacheDir, save] = process.argv.slice(2);
const loaded = loadBundle(bundle, cacheDir === 'off' ? undefined : cacheDir);
const e = loaded.exports;
const out = { status: loaded.status, tag: e.tag, dirname: e.dirname, filename: e.filename, sum: e.sum(100), eol: typeof e.eol };
if (save === 'save') { out.saved = loaded.save() ?? null; out.again = loaded.save() ?? null; }
process.stdout.write(JSON.stringify(out));`;
  esbuild.buildSync({ stdin: { contents: source, resolveDir: __dirname, loader: 'ts' }, bundle: true, platform: 'node', format: 'cjs', outfile: runner, logLevel: 'error' });
});
afterAll(() => {
  rmSync(runnerDir, { recursive: true, force: true });
});
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'shapewise-code-cache-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A small CommonJS bundle whose functions only run when called (so they are compiled lazily). */
function writeBundle(name: string, tag: string): string {
  const file = path.join(dir, name);
  const fns = Array.from({ length: 50 }, (_, i) => `function f${i}(x) { return x * ${i + 1} + ${JSON.stringify(tag)}.length; }`).join('\n');
  writeFileSync(
    file,
    `#!/usr/bin/env node\n'use strict';\n${fns}\nconst os = require('node:os');\nexports.tag = ${JSON.stringify(tag)};\nexports.dirname = __dirname;\nexports.filename = __filename;\nexports.sum = (n) => { let s = 0; for (let i = 0; i < n; i++) s += [${Array.from({ length: 50 }, (_, i) => `f${i}`).join(', ')}][i % 50](i); return s; };\nexports.eol = os.EOL;\n`,
  );
  return file;
}

interface Run {
  status: CodeCacheStatus;
  tag: string;
  dirname: string;
  filename: string;
  sum: number;
  eol: string;
  saved?: string | null;
  again?: string | null;
}

/** Loads `bundle` in a new process (and writes the cache there when `save`). */
function load(bundle: string, cacheDir: string | undefined, save = false): Run {
  return JSON.parse(execFileSync(process.execPath, [runner, bundle, cacheDir ?? 'off', save ? 'save' : ''], { encoding: 'utf8', timeout: 30_000 })) as Run;
}

describe('loadBundle', () => {
  it('runs the bundle as CommonJS: exports, require, __dirname and __filename work', () => {
    const file = writeBundle('bundle.js', 'a');
    const r = load(file, path.join(dir, 'cache'));
    expect(r).toMatchObject({ tag: 'a', dirname: dir, filename: file, sum: sumOf(100, 'a'), eol: 'string' });
  });

  it('writes the cache on request, and the next process uses it', () => {
    const file = writeBundle('bundle.js', 'a');
    const cacheDir = path.join(dir, 'cache');
    const first = load(file, cacheDir, true);
    expect(first.status.state).toBe('missing');
    expect(first.saved).toBeNull();
    expect(first.again).toBe('already written');
    const files = readdirSync(cacheDir);
    expect(files).toEqual([cacheFileName(file, readFileSync(file, 'utf8'))]);
    if (process.platform !== 'win32') {
      expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
      expect(statSync(path.join(cacheDir, files[0])).mode & 0o777).toBe(0o600);
    }

    const second = load(file, cacheDir, true);
    expect(second.status).toEqual({ state: 'used', file: path.join(cacheDir, files[0]) });
    expect(second).toMatchObject({ tag: 'a', sum: sumOf(100, 'a') });
    // A cache in use is current: nothing to write.
    expect(second.saved).toBe('the cache in use is current');
  });

  it('a damaged cache (its checksum does not match) is not given to V8: it costs only a compile, and is written again', () => {
    const file = writeBundle('bundle.js', 'a');
    const cacheDir = path.join(dir, 'cache');
    load(file, cacheDir, true);
    const cacheFile = path.join(cacheDir, readdirSync(cacheDir)[0]);
    const damaged = Buffer.from(readFileSync(cacheFile));
    for (let i = 0; i < damaged.length; i += 7) damaged[i] ^= 0x5a;
    writeFileSync(cacheFile, damaged);

    const second = load(file, cacheDir, true);
    expect(second.status).toEqual({ state: 'damaged', file: cacheFile });
    expect(second.sum).toBe(sumOf(100, 'a'));
    expect(second.saved).toBeNull();
    expect(load(file, cacheDir).status.state).toBe('used');
  });

  it('a whole cache V8 rejects (another build or runtime) costs only a compile, and is written again', () => {
    const file = writeBundle('bundle.js', 'a');
    const cacheDir = path.join(dir, 'cache');
    load(file, cacheDir, true);
    const cacheFile = path.join(cacheDir, readdirSync(cacheDir)[0]);
    // A checksum that matches bytes that are not V8's.
    writeFileSync(cacheFile, sealCache(Buffer.alloc(4096, 7)));

    const second = load(file, cacheDir, true);
    expect(second.status).toEqual({ state: 'rejected', file: cacheFile });
    expect(second.sum).toBe(sumOf(100, 'a'));
    expect(second.saved).toBeNull();
    expect(load(file, cacheDir).status.state).toBe('used');
  });

  it('seals and unseals: any flipped bit is found', () => {
    const data = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 31) % 256));
    const sealed = sealCache(data);
    expect(unsealCache(sealed)?.equals(data)).toBe(true);
    for (let bit = 0; bit < sealed.length * 8; bit += 97) {
      const copy = Buffer.from(sealed);
      copy[bit >> 3] ^= 1 << (bit & 7);
      expect(unsealCache(copy), `bit ${bit}`).toBeUndefined();
    }
    expect(unsealCache(Buffer.alloc(3))).toBeUndefined();
  });

  it('another content gets another cache file, and a folder keeps at most KEEP_CACHES of one bundle', () => {
    const cacheDir = path.join(dir, 'cache');
    const names = new Set<string>();
    for (let v = 0; v < KEEP_CACHES + 2; v++) {
      const file = writeBundle('bundle.js', `version ${v}`);
      const r = load(file, cacheDir, true);
      expect(r.status.state).toBe('missing');
      expect(r.tag).toBe(`version ${v}`);
      expect(r.saved).toBeNull();
      names.add(cacheFileName(file, readFileSync(file, 'utf8')));
    }
    expect(names.size).toBe(KEEP_CACHES + 2);
    const kept = readdirSync(cacheDir);
    expect(kept).toHaveLength(KEEP_CACHES);
    // The newest stays.
    expect(kept).toContain(cacheFileName(path.join(dir, 'bundle.js'), readFileSync(path.join(dir, 'bundle.js'), 'utf8')));
  });

  it('off: no folder, no file, and save says why', () => {
    const file = writeBundle('bundle.js', 'a');
    const r = load(file, undefined, true);
    expect(r.status).toEqual({ state: 'off' });
    expect(r.saved).toBe('the code cache is off');
    expect(r.sum).toBe(sumOf(100, 'a'));
    expect(readdirSync(dir)).toEqual(['bundle.js']);
  });

  it('a folder that cannot be made: the bundle still runs and save reports the error', () => {
    const file = writeBundle('bundle.js', 'a');
    const blocker = path.join(dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const r = load(file, path.join(blocker, 'cache'), true);
    expect(r.status.state).toBe('unreadable');
    expect(r.sum).toBe(sumOf(100, 'a'));
    expect(r.saved).toMatch(/ENOTDIR|EEXIST|not a directory/i);
    expect(existsSync(path.join(blocker, 'cache'))).toBe(false);
  });

  it('a folder under /proc, where mkdir answers ENOENT although the parent exists: save reports the error at once', () => {
    // Node's recursive mkdir made /proc (EEXIST) and retried the child (ENOENT) forever.
    const file = writeBundle('bundle.js', 'a');
    const r = load(file, path.join('/proc', `shapewise-no-such-folder-${process.pid}`, 'cache'), true);
    expect(r.sum).toBe(sumOf(100, 'a'));
    expect(r.saved).toMatch(/ENOENT|EACCES|EROFS/);
  });

  it('a FIFO where the cache file goes (a shared folder): not waited on; the bundle runs, and save puts a cache in its place', () => {
    // Opening it for reading blocked until a writer came: the process never started.
    const file = writeBundle('bundle.js', 'a');
    const cacheDir = path.join(dir, 'cache');
    mkdirSync(cacheDir);
    const target = path.join(cacheDir, cacheFileName(file, readFileSync(file, 'utf8')));
    execFileSync('mkfifo', [target]);
    const r = load(file, cacheDir, true);
    expect(r.status).toEqual({ state: 'unreadable', file: target, why: 'not a plain file' });
    expect(r.sum).toBe(sumOf(100, 'a'));
    expect(r.saved).toBeNull();
    expect(statSync(target).isFile()).toBe(true);
    expect(load(file, cacheDir).status.state).toBe('used');
  });

  it('a cache that cannot take its place: the bundle runs, save says why, and no partial file is left', () => {
    const file = writeBundle('bundle.js', 'a');
    const cacheDir = path.join(dir, 'cache');
    // A non-empty folder where the cache file goes: the written file cannot be renamed onto it.
    const target = path.join(cacheDir, cacheFileName(file, readFileSync(file, 'utf8')));
    mkdirSync(path.join(target, 'inside'), { recursive: true });
    const r = load(file, cacheDir, true);
    expect(r.sum).toBe(sumOf(100, 'a'));
    expect(r.saved).toMatch(/EISDIR|ENOTEMPTY|EEXIST|EPERM|directory/i);
    expect(readdirSync(cacheDir)).toEqual([path.basename(target)]);
  });
});

describe('makeFolders', () => {
  it('makes every missing level with the mode, and accepts a folder that is already there', () => {
    const deep = path.join(dir, 'a', 'b', 'c');
    makeFolders(deep, 0o700);
    expect(statSync(deep).isDirectory()).toBe(true);
    if (process.platform !== 'win32') for (const d of ['a', 'a/b', 'a/b/c']) expect(statSync(path.join(dir, d)).mode & 0o777).toBe(0o700);
    makeFolders(deep, 0o700);
    makeFolders(dir, 0o700);
    expect(readdirSync(path.join(dir, 'a', 'b'))).toEqual(['c']);
  });

  it('a relative path is taken from the working folder', () => {
    const before = process.cwd();
    process.chdir(dir);
    try {
      makeFolders(path.join('x', 'y'), 0o755);
    } finally {
      process.chdir(before);
    }
    expect(statSync(path.join(dir, 'x', 'y')).isDirectory()).toBe(true);
  });

  it('throws where a level cannot be made: a file in the way, or a file system that refuses', () => {
    writeFileSync(path.join(dir, 'file'), 'x');
    expect(() => makeFolders(path.join(dir, 'file', 'sub', 'deeper'), 0o700)).toThrow(/ENOTDIR/);
    expect(() => makeFolders(path.join(dir, 'file'), 0o700)).toThrow(/ENOTDIR/);
    expect(() => makeFolders(path.join('/proc', `shapewise-no-such-folder-${process.pid}`, 'x'), 0o700)).toThrow(/ENOENT|EACCES|EROFS/);
  });
});

describe('defaultCacheDir', () => {
  const at = (dir: string) => () => dir;
  it("is the platform's per-user cache folder", () => {
    expect(defaultCacheDir({}, 'linux', at('/home/u'))).toBe('/home/u/.cache/shapewise');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' }, 'linux', at('/home/u'))).toBe('/x/cache/shapewise');
    expect(defaultCacheDir({}, 'darwin', at('/Users/u'))).toBe('/Users/u/Library/Caches/shapewise');
    expect(defaultCacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', at('C:\\Users\\u'))).toBe('C:\\Users\\u\\AppData\\Local\\shapewise\\Cache');
    expect(defaultCacheDir({}, 'win32', at('C:\\Users\\u'))).toBe('C:\\Users\\u\\AppData\\Local\\shapewise\\Cache');
  });

  it('no home folder (os.homedir throws, as for a user the system does not list): no cache, unless the environment names one', () => {
    const none = () => {
      throw new Error('uv_os_homedir returned ENOENT');
    };
    expect(defaultCacheDir({}, 'linux', none)).toBeUndefined();
    expect(defaultCacheDir({}, 'darwin', none)).toBeUndefined();
    expect(defaultCacheDir({}, 'win32', none)).toBeUndefined();
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' }, 'linux', none)).toBe('/x/cache/shapewise');
    expect(defaultCacheDir({ LOCALAPPDATA: 'D:\\Local' }, 'win32', none)).toBe('D:\\Local\\shapewise\\Cache');
  });

  it('relative folders are ignored (XDG: "consider the path invalid"), and so is an empty or relative home', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: 'cache' }, 'linux', at('/home/u'))).toBe('/home/u/.cache/shapewise');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '' }, 'linux', at('/home/u'))).toBe('/home/u/.cache/shapewise');
    expect(defaultCacheDir({ LOCALAPPDATA: 'Local' }, 'win32', at('C:\\Users\\u'))).toBe('C:\\Users\\u\\AppData\\Local\\shapewise\\Cache');
    expect(defaultCacheDir({}, 'linux', at(''))).toBeUndefined();
    expect(defaultCacheDir({}, 'darwin', at('home'))).toBeUndefined();
  });
});

/** What the test bundle's `sum` computes, written out independently. */
function sumOf(n: number, tag: string): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += i * ((i % 50) + 1) + tag.length;
  return s;
}
