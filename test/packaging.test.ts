// Packaging: `vsce package --no-dependencies` (what `npm run package` runs after the build) into a
// temporary directory, then the .vsix (a zip) is read with a small central-directory reader: it
// must hold the bundles, both wasm files, the grammar and the manifest, and nothing else of the
// repository (no node_modules, tests, sources or source maps). `npm test` builds dist/ first.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.join(__dirname, '..');

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

/** The entries of a zip file, from its central directory (no zip64: a .vsix is small). */
function zipEntries(zip: Buffer): ZipEntry[] {
  // End of central directory record: signature 0x06054b50, at least 22 bytes from the end
  // (more if the archive has a comment).
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file: no end of central directory record');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory header at ${p}`);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    entries.push({
      name: zip.toString('utf8', p + 46, p + 46 + nameLength),
      method: zip.readUInt16LE(p + 10),
      compressedSize: zip.readUInt32LE(p + 20),
      localHeaderOffset: zip.readUInt32LE(p + 42),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The content of one entry (stored or deflated). */
function zipRead(zip: Buffer, entry: ZipEntry): Buffer {
  const h = entry.localHeaderOffset;
  if (zip.readUInt32LE(h) !== 0x04034b50) throw new Error(`bad local header for ${entry.name}`);
  const start = h + 30 + zip.readUInt16LE(h + 26) + zip.readUInt16LE(h + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return data;
  if (entry.method === 8) return inflateRawSync(data);
  throw new Error(`unsupported compression method ${entry.method} for ${entry.name}`);
}

describe('packaging (.vsix)', () => {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  let outDir = '';
  let zip: Buffer;
  let entries: ZipEntry[] = [];
  let names: string[] = [];

  beforeAll(() => {
    for (const f of ['dist/extension.js', 'dist/server.js', 'dist/server-main.js', 'dist/tree-sitter.wasm', 'dist/tree-sitter-python.wasm']) {
      if (!existsSync(path.join(root, f))) throw new Error(`${f} is missing: build first (node esbuild.mjs)`);
    }
    outDir = mkdtempSync(path.join(tmpdir(), 'shapewise-vsix-'));
    const vsix = path.join(outDir, `${pkg.name}-${pkg.version}.vsix`);
    // The local vsce (devDependency), never a download; --no-dependencies: everything is bundled.
    execFileSync(process.execPath, [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--out', vsix], {
      cwd: root,
      stdio: 'pipe',
      timeout: 60_000,
    });
    zip = readFileSync(vsix);
    entries = zipEntries(zip);
    names = entries.map((e) => e.name);
  }, 90_000);

  afterAll(() => {
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('holds the client and server bundles, both wasm files, the manifest and the documents', () => {
    for (const f of [
      'extension.vsixmanifest',
      'extension/package.json',
      'extension/dist/extension.js',
      'extension/dist/server.js',
      'extension/dist/server-main.js',
      'extension/dist/tree-sitter.wasm',
      'extension/dist/tree-sitter-python.wasm',
      'extension/readme.md',
      'extension/changelog.md',
      'extension/LICENSE.txt',
    ]) {
      expect(names, f).toContain(f);
    }
  });

  it('holds every contributed grammar, and the entry point the manifest names', () => {
    const manifest = JSON.parse(zipRead(zip, entries.find((e) => e.name === 'extension/package.json')!).toString('utf8'));
    expect(manifest.main).toBe('./dist/extension.js');
    const grammars: { scopeName: string; path: string; injectTo?: string[] }[] = manifest.contributes.grammars;
    expect(grammars.map((g) => g.scopeName)).toContain('shapewise.comment.injection');
    for (const g of grammars) {
      const entry = entries.find((e) => e.name === path.posix.join('extension', g.path));
      expect(entry, g.path).toBeDefined();
      const grammar = JSON.parse(zipRead(zip, entry!).toString('utf8'));
      expect(grammar.scopeName).toBe(g.scopeName);
    }
    expect(grammars.find((g) => g.scopeName === 'shapewise.comment.injection')?.injectTo).toEqual(['source.python']);
  });

  it('the server bundles in the vsix are the built ones, complete', () => {
    for (const f of ['dist/server.js', 'dist/server-main.js']) {
      const bundle = zipRead(zip, entries.find((e) => e.name === `extension/${f}`)!);
      expect(bundle.equals(readFileSync(path.join(root, f))), f).toBe(true);
    }
    const wasm = zipRead(zip, entries.find((e) => e.name === 'extension/dist/tree-sitter-python.wasm')!);
    expect(wasm.subarray(0, 4).toString('latin1')).toBe('\0asm');
  });

  it('holds nothing else from the repository', () => {
    const forbidden = names.filter(
      (n) =>
        /(^|\/)node_modules\//.test(n) ||
        /^extension\/(test|server|client|scripts|examples|\.e2e|\.ci|\.git)\//.test(n) ||
        n.endsWith('.map') ||
        n.endsWith('.ts') ||
        n.endsWith('.vsix') ||
        /^extension\/dist\/(cli|cli-main|check-worker|check-worker-main)\.js$/.test(n),
    );
    expect(forbidden).toEqual([]);
    // Everything present is on the allow-list of .vscodeignore.
    const allowed = /^(extension\.vsixmanifest|\[Content_Types\]\.xml|extension\/(package\.json|readme\.md|changelog\.md|LICENSE\.txt|dist\/(extension|server|server-main)\.js|dist\/[^/]+\.wasm|syntaxes\/.+|docs\/.+))$/;
    expect(names.filter((n) => !allowed.test(n))).toEqual([]);
  });
});
