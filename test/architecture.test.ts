// The layering rules of ARCHITECTURE.md, checked on the import statements of every source file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.join(__dirname, '..');

function sources(dir: string): string[] {
  const abs = path.join(root, dir);
  const out: string[] = [];
  for (const name of readdirSync(abs)) {
    const p = path.join(abs, name);
    if (statSync(p).isDirectory()) out.push(...sources(path.join(dir, name)));
    else if (name.endsWith('.ts')) out.push(path.join(dir, name));
  }
  return out;
}

/** Module specifiers of every import, export-from, require() and import() in a file. */
function imports(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

function resolvesInside(file: string, spec: string, dir: string): boolean {
  if (!spec.startsWith('.')) return false;
  const target = path.normalize(path.join(path.dirname(file), spec));
  return target === dir || target.startsWith(dir + path.sep);
}

describe('architecture', () => {
  it('the engine imports nothing outside server/src/engine', () => {
    const engineDir = path.join('server', 'src', 'engine');
    const offenders = sources(engineDir).flatMap((f) =>
      imports(f)
        .filter((s) => !resolvesInside(f, s, engineDir))
        .map((s) => `${f}: ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the Python front end imports only the engine, its own modules, shared plain-data modules and web-tree-sitter', () => {
    const dir = path.join('server', 'src', 'python');
    const allowedOutside = ['../engine', '../analysis-types', '../config', '../text/line-index'];
    const offenders = sources(dir).flatMap((f) =>
      imports(f)
        .filter((s) => !(s.startsWith('./') || s === 'web-tree-sitter' || s.startsWith('node:') || allowedOutside.some((a) => s === a || s.startsWith(`${a}/`))))
        .map((s) => `${f}: ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  it('only server/src/lsp and server-main.ts import vscode-languageserver; only client/ imports vscode', () => {
    const all = [...sources('server/src'), ...sources('client/src')];
    const offenders: string[] = [];
    for (const f of all) {
      for (const s of imports(f)) {
        const inLsp = f.startsWith(path.join('server', 'src', 'lsp')) || f === path.join('server', 'src', 'server-main.ts');
        if (s.startsWith('vscode-languageserver') && !inLsp) offenders.push(`${f}: ${s}`);
        if ((s === 'vscode' || s.startsWith('vscode-languageclient')) && !f.startsWith('client')) offenders.push(`${f}: ${s}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("the entries (server.ts, cli.ts, check-worker.ts) load only Node's modules and the code cache: the rest comes through the cache", () => {
    for (const [entry, main] of [
      ['server.ts', './server-main'],
      ['cli.ts', './cli-main'],
      ['check-worker.ts', './check-worker-main'],
    ]) {
      const file = path.join('server', 'src', entry);
      const text = readFileSync(path.join(root, file), 'utf8');
      expect(imports(file).filter((s) => !(s.startsWith('node:') || s === './code-cache' || s === main))).toEqual([]);
      // The main only as a type: its code must be loaded by loadBundle, not bundled in.
      expect(text).toMatch(new RegExp(`import type \\* as \\w+ from '${main.replace('.', '\\.')}'`));
    }
    expect(imports(path.join('server', 'src', 'code-cache.ts')).every((s) => s.startsWith('node:'))).toBe(true);
  });

  it('the server never writes to stdout itself (stdout carries the protocol)', () => {
    const offenders = sources('server/src')
      .filter((f) => !f.startsWith(path.join('server', 'src', 'cli')))
      .filter((f) => /(?<![\w.])console\.(log|info|debug)\(|process\.stdout\.write/.test(readFileSync(path.join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
