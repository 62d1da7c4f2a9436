// The built checker keeps V8's compiled code of itself (cli-main.js) and of its worker threads
// (check-worker-main.js) in the user's cache folder, as the language server does: a run starts
// from it and reports exactly what a run without it does.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MIN_FILES_FOR_WORKERS } from '../../server/src/cli/parallel';
import { removeTree, tempTree } from './helpers';

const repoRoot = path.resolve(__dirname, '../..');
const cli = path.join(repoRoot, 'dist', 'cli.js');
let work: string;

beforeAll(() => {
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'pipe' });
  const files: Record<string, string> = {};
  for (let i = 0; i < MIN_FILES_FOR_WORKERS + 2; i++) files[`pkg/m${i}.py`] = readFileSync(path.join(repoRoot, 'examples', i % 2 ? 'unet_65_broken.py' : 'pytorch_port.py'), 'utf8');
  work = tempTree(files);
});

afterAll(() => removeTree(work));

function run(args: string[], cache: string, cwd = work): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, XDG_CACHE_HOME: cache } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function cacheFiles(cache: string): string[] {
  try {
    return readdirSync(path.join(cache, 'shapewise')).sort();
  } catch {
    return [];
  }
}

function withCache(test: (cache: string) => void): void {
  const cache = mkdtempSync(path.join(tmpdir(), 'shapewise-cli-cache-'));
  try {
    test(cache);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

it('a check of a file writes the checker\'s cache (private), and the next one starts from it with the same report', () => {
  withCache((cache) => {
    const first = run(['check', 'pkg/m1.py', '--format', 'json'], cache);
    expect(first.status).toBe(1); // unet_65_broken.py has errors
    const files = cacheFiles(cache);
    expect(files).toEqual([expect.stringMatching(/^cli-main-[0-9a-f]{20}\.v8cache$/)]);
    const file = path.join(cache, 'shapewise', files[0]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const written = statSync(file).mtimeMs;
    const second = run(['check', 'pkg/m1.py', '--format', 'json'], cache);
    expect(second).toEqual(first);
    // Used, so not written again.
    expect(statSync(file).mtimeMs).toBe(written);
  });
});

it('a folder on worker threads writes the workers\' cache; the next run reports exactly the same', () => {
  withCache((cache) => {
    const first = run(['check', '.', '--format', 'json'], cache);
    expect(JSON.parse(first.stdout).files).toHaveLength(MIN_FILES_FOR_WORKERS + 2);
    // The main thread only handed files out: its cache would hold little, and is not written.
    expect(cacheFiles(cache)).toEqual([expect.stringMatching(/^check-worker-main-[0-9a-f]{20}\.v8cache$/)]);
    const file = path.join(cache, 'shapewise', cacheFiles(cache)[0]);
    const written = statSync(file).mtimeMs;
    expect(run(['check', '.', '--format', 'json'], cache)).toEqual(first);
    // Used by the threads, so not written again.
    expect(statSync(file).mtimeMs).toBe(written);
  });
});

it('a damaged cache only costs a compile: the report is the same and the cache is written again', () => {
  withCache((cache) => {
    const first = run(['check', 'pkg/m0.py', '--format', 'json'], cache);
    const file = path.join(cache, 'shapewise', cacheFiles(cache)[0]);
    const garbage = Buffer.alloc(statSync(file).size, 7);
    writeFileSync(file, garbage);
    expect(run(['check', 'pkg/m0.py', '--format', 'json'], cache)).toEqual(first);
    expect(readFileSync(file).equals(garbage)).toBe(false);
  });
});

it('a cache with a few bits flipped (V8 does not check its bytes: it crashed in the deserializer) only costs a compile, on this thread and on worker threads', () => {
  withCache((cache) => {
    for (const args of [['check', 'pkg/m0.py', '--format', 'json'], ['check', 'pkg', '--format', 'json']]) {
      const first = run(args, cache);
      const all = cacheFiles(cache);
      for (const name of all) {
        const file = path.join(cache, 'shapewise', name);
        const bytes = readFileSync(file);
        // 20 bytes flipped through the middle, where V8's serialized code is.
        for (let i = 0; i < 20; i++) bytes[Math.floor((bytes.length * (i + 10)) / 40)] ^= 0xff;
        writeFileSync(file, bytes);
      }
      for (let i = 0; i < 2; i++) expect(run(args, cache), args.join(' ')).toEqual(first);
    }
  });
});

it('--no-code-cache, before or after `check`: nothing read or written, the same report', () => {
  withCache((cache) => {
    const plain = run(['check', 'pkg/m0.py', '--format', 'json', '--no-code-cache'], cache);
    expect(plain.status).toBe(0);
    expect(run(['--no-code-cache', 'check', 'pkg/m0.py', '--format', 'json'], cache)).toEqual(plain);
    expect(cacheFiles(cache)).toEqual([]);
    expect(run(['check', 'pkg/m0.py', '--format', 'json'], cache)).toEqual(plain);
  });
});

it('a folder of a few files is checked on this thread: its cache is written, the threads started for the folder write none', () => {
  withCache((cache) => {
    const r = run(['check', 'pkg/m0.py', 'pkg/m1.py', '--format', 'json'], cache);
    expect(JSON.parse(r.stdout).files).toHaveLength(2);
    const few = tempTree({ 'a.py': readFileSync(path.join(work, 'pkg', 'm0.py'), 'utf8'), 'b.py': readFileSync(path.join(work, 'pkg', 'm1.py'), 'utf8') });
    try {
      const viaFolder = run(['check', '.', '--format', 'json'], cache, few);
      expect(JSON.parse(viaFolder.stdout).files).toHaveLength(2);
    } finally {
      removeTree(few);
    }
    expect(cacheFiles(cache)).toEqual([expect.stringMatching(/^cli-main-[0-9a-f]{20}\.v8cache$/)]);
  });
});

it('a cache folder that can never be made (under /proc, where mkdir answers ENOENT): the same report, on this thread and on worker threads', () => {
  // Node's recursive mkdir loops forever there; both runs hung at 100% CPU before.
  withCache((cache) => {
    const plain = run(['check', '.', '--format', 'json', '--no-code-cache'], cache);
    const one = run(['check', 'pkg/m0.py', '--format', 'json', '--no-code-cache'], cache);
    const proc = path.join('/proc', `shapewise-no-such-folder-${process.pid}`);
    expect(run(['check', '.', '--format', 'json'], proc)).toEqual(plain);
    expect(run(['check', 'pkg/m0.py', '--format', 'json'], proc)).toEqual(one);
  });
});

it('no home folder and no XDG_CACHE_HOME (os.homedir throws, as for a user the system does not list): no cache, the same report', () => {
  // Both the checker and the server died at start of that (an uncaught SystemError).
  const preload = path.join(work, 'no-home.cjs');
  writeFileSync(preload, "require('node:os').homedir = () => { throw new Error('A system error occurred: uv_os_homedir returned ENOENT'); };\n");
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.HOME;
  delete env.XDG_CACHE_HOME;
  withCache((cache) => {
    for (const target of ['pkg/m0.py', '.']) {
      const expected = run(['check', target, '--format', 'json', '--no-code-cache'], cache);
      const r = spawnSync(process.execPath, ['--require', preload, cli, 'check', target, '--format', 'json'], { cwd: work, encoding: 'utf8', timeout: 120_000, env });
      expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual(expected);
    }
  });
});
