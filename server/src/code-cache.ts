// Loads a CommonJS bundle through V8's code cache, so that a new server process neither compiles
// the bundle nor, on its first analysis, the hundreds of functions that analysis calls: the cache
// is taken from a process that has already run them (V8's `createCachedData()` after execution).
// Caches made at compile time (what the v8-compile-cache package and `produceCachedData` do) hold
// only the top level, which is why this is not that package.
//
// Safety: V8 checks a cache against the source's length and the V8 version and flags, not the
// source's content, so the file name carries a hash of the content. Nor does release V8 check
// the cache's own bytes: one flipped bit crashed the process in V8's deserializer (SIGSEGV, on
// every start until the file was deleted), so the file starts with a checksum of the rest. The cache lives in a
// per-user folder (created private) and a file owned by another user is never read. Every
// failure (unreadable, rejected, unwritable) only means compiling as usual.
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import zlib from 'node:zlib';

/** What happened to the cache, for the server's log. */
export type CodeCacheStatus =
  | { state: 'off' }
  | { state: 'used'; file: string }
  | { state: 'missing' | 'rejected' | 'damaged'; file: string }
  | { state: 'unreadable'; file: string; why: string };

export interface LoadedBundle<T> {
  exports: T;
  status: CodeCacheStatus;
  /**
   * Writes the cache from what this process has compiled so far, unless a cache was used (it is
   * then current). Call it once the bundle's hot code has run. Returns why not, or undefined.
   */
  save(): string | undefined;
}

/**
 * Where the cache goes by default: the platform's per-user cache folder; undefined (no cache)
 * when there is none to find. A process may have no home folder: a container run as a user the
 * system does not list, without HOME, where os.homedir() throws (the checker and the server
 * died of that at start). Relative XDG_CACHE_HOME is ignored, as the XDG specification asks.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: () => string = os.homedir): string | undefined {
  // The platform's own paths (the tests ask for another platform's folder).
  const p = platform === 'win32' ? path.win32 : path.posix;
  const absolute = (dir: string | undefined): string | undefined => (dir && p.isAbsolute(dir) ? dir : undefined);
  const inHome = (...parts: string[]): string | undefined => {
    let h: string | undefined;
    try {
      h = absolute(home());
    } catch {
      return undefined;
    }
    return h === undefined ? undefined : p.join(h, ...parts);
  };
  if (platform === 'win32') {
    const local = absolute(env.LOCALAPPDATA) ?? inHome('AppData', 'Local');
    return local === undefined ? undefined : p.join(local, 'shapewise', 'Cache');
  }
  if (platform === 'darwin') return inHome('Library', 'Caches', 'shapewise');
  const xdg = absolute(env.XDG_CACHE_HOME) ?? inHome('.cache');
  return xdg === undefined ? undefined : p.join(xdg, 'shapewise');
}

/** The cache file of a bundle: its name, the runtime and a hash of its text. */
export function cacheFileName(bundlePath: string, source: string): string {
  const hash = createHash('sha256').update(source).update(process.versions.v8).update(process.arch).digest('hex').slice(0, 20);
  return `${path.basename(bundlePath, '.js')}-${hash}.v8cache`;
}

/**
 * Reads a cache file unless it belongs to another user or is not a plain file. Opened without
 * blocking: opening a FIFO put there (a shared folder named with --code-cache-dir, say) would
 * wait for a writer forever, before the checks below.
 */
function readOwned(file: string): Buffer {
  const fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error('not a plain file');
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
    if (uid !== undefined && stat.uid !== uid) throw new Error('owned by another user');
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The file's bytes: a header (a tag and the CRC-32 of the rest), then what V8 made. */
const TAG = Buffer.from('SWCC1');
const HEADER_BYTES = TAG.length + 4;

function crc32(data: Uint8Array): number {
  // zlib.crc32 is in Node 20.15 and later; an older runtime hashes instead.
  const z = zlib as unknown as { crc32?: (d: Uint8Array) => number };
  return z.crc32 ? z.crc32(data) : createHash('sha256').update(data).digest().readUInt32BE(0);
}

/** V8's data with the header in front. */
export function sealCache(data: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  TAG.copy(header);
  header.writeUInt32BE(crc32(data), TAG.length);
  return Buffer.concat([header, data]);
}

/** V8's data from a file's bytes; undefined when they are not whole (a damaged or older file). */
export function unsealCache(file: Buffer): Buffer | undefined {
  const data = file.subarray(HEADER_BYTES);
  if (file.length < HEADER_BYTES || !file.subarray(0, TAG.length).equals(TAG) || file.readUInt32BE(TAG.length) !== crc32(data)) return undefined;
  return data;
}

/**
 * Runs the CommonJS bundle at `bundlePath` as `require` would, through the code cache in
 * `cacheDir` (none when undefined), and returns its exports.
 */
export function loadBundle<T>(bundlePath: string, cacheDir: string | undefined): LoadedBundle<T> {
  const source = readFileSync(bundlePath, 'utf8');
  const file = cacheDir === undefined ? undefined : path.join(cacheDir, cacheFileName(bundlePath, source));
  let cachedData: Buffer | undefined;
  let unreadable: string | undefined;
  let damaged = false;
  if (file) {
    try {
      cachedData = unsealCache(readOwned(file));
      damaged = cachedData === undefined;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') unreadable = e instanceof Error ? e.message : String(e);
    }
  }
  // No import() in the bundle: Node 20 cannot run it in a script made from a code cache (even
  // with vm's importModuleDynamically), so it would fail on every start but the first. Without
  // the option it fails on every start, where the tests see it.
  const script = new vm.Script(Module.wrap(source.replace(/^#!.*/, '')), { filename: bundlePath, cachedData });
  const status: CodeCacheStatus =
    file === undefined
      ? { state: 'off' }
      : unreadable !== undefined
        ? { state: 'unreadable', file, why: unreadable }
        : damaged
          ? { state: 'damaged', file }
          : cachedData === undefined
            ? { state: 'missing', file }
            : script.cachedDataRejected
              ? { state: 'rejected', file }
              : { state: 'used', file };

  const mod = new Module(bundlePath, module);
  mod.filename = bundlePath;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(bundlePath));
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  wrapper.call(mod.exports, mod.exports, Module.createRequire(bundlePath), mod, bundlePath, path.dirname(bundlePath));
  mod.loaded = true;

  let saved = false;
  const save = (): string | undefined => {
    if (file === undefined || cacheDir === undefined) return 'the code cache is off';
    if (status.state === 'used') return 'the cache in use is current';
    if (saved) return 'already written';
    saved = true;
    // Written aside and renamed: a server starting meanwhile never reads half a file.
    const partial = `${file}.${process.pid}.partial`;
    try {
      makeFolders(cacheDir, 0o700);
      writeFileSync(partial, sealCache(script.createCachedData()), { mode: 0o600 });
      renameSync(partial, file);
      removeOldest(cacheDir, path.basename(bundlePath, '.js'));
      return undefined;
    } catch (e) {
      // Nothing left behind by a write that failed part-way (a folder of that name is not ours).
      try {
        rmSync(partial, { force: true });
      } catch {
        // ignored: the cache is only an optimisation
      }
      return e instanceof Error ? e.message : String(e);
    }
  };
  return { exports: mod.exports as T, status, save };
}

/** How many caches of one bundle a folder keeps (versions, and runtimes such as Node and Electron). */
export const KEEP_CACHES = 4;

/** Bounds the folder: past KEEP_CACHES caches of the bundle, the least recently written go. */
function removeOldest(dir: string, stem: string): void {
  const caches = readdirSync(dir)
    .filter((name) => name.startsWith(`${stem}-`) && name.endsWith('.v8cache'))
    .map((name) => ({ name, at: statSync(path.join(dir, name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const old of caches.slice(KEEP_CACHES)) rmSync(path.join(dir, old.name), { force: true });
}

/**
 * `mkdir -p`, one level at a time. Node's own (mkdirSync with `recursive`) never returns where
 * mkdir fails with ENOENT although the parent exists: on Linux's /proc, for one, it makes the
 * parent (EEXIST), retries the child (ENOENT) and so on forever, so a cache folder named there
 * (XDG_CACHE_HOME=/proc/x) hung the checker and the server. Here each missing level is tried once.
 * Throws mkdir's error where a level cannot be made.
 */
export function makeFolders(dir: string, mode: number): void {
  const target = path.resolve(dir);
  const missing: string[] = [];
  let d = target;
  let found = statSync(d, { throwIfNoEntry: false });
  while (!found) {
    missing.push(d);
    const parent = path.dirname(d);
    if (parent === d) break;
    d = parent;
    found = statSync(d, { throwIfNoEntry: false });
  }
  if (missing.length === 0 && !found?.isDirectory()) {
    throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${target}'`), { code: 'ENOTDIR' });
  }
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m, { mode });
    } catch (e) {
      // Made meanwhile by another process (two servers starting): fine if it is a folder.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(m).isDirectory()) throw e;
    }
  }
}
