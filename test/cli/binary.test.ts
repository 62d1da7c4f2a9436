// The built checker (dist/cli.js) run as a user would: help, version, usage errors, and real
// files through the real analysis. Assertions on real files hold whatever layers the analysis
// finds: exit statuses, error handling, and the JSON and SARIF structure.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notebookJson, removeTree, tempTree } from './helpers';

const repoRoot = path.resolve(__dirname, '../..');
const cli = path.join(repoRoot, 'dist', 'cli.js');
const packageVersion = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version as string;

// Quiet by design: stride-1 'same' convolutions with odd kernels and 'valid' pooling that fits.
const CLEAN_MODEL = `import keras
from keras import layers

inputs = keras.Input(shape=(32, 32, 3))
x = layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)  # é 漢字 😀
x = layers.MaxPooling2D(2)(x)
x = layers.Conv2D(32, 3, padding="same")(x)
outputs = layers.GlobalAveragePooling2D()(x)
model = keras.Model(inputs, outputs)
`;

let work: string;

function run(args: string[], cwd = work): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'pipe' });
  work = tempTree({
    'models/clean.py': CLEAN_MODEL,
    'models/crlf.py': CLEAN_MODEL.replace(/\n/g, '\r\n'),
    'notebooks/clean.ipynb': notebookJson([
      { cell_type: 'markdown', source: '# A model' },
      { cell_type: 'code', source: ['%matplotlib inline\n', '!nvidia-smi\n', ...CLEAN_MODEL.split(/(?<=\n)/)] },
    ]),
    'broken/bad.ipynb': '{"cells": [{"cell_type": "code", "source": ',
    'broken/ok.py': CLEAN_MODEL,
    '.gitignore': 'ignored/\n',
    'ignored/bad.ipynb': 'not json',
  });
});

afterAll(() => removeTree(work));

describe('dist/cli.js', () => {
  it('--help describes the check command', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: shapewise /);
    expect(r.stdout).toMatch(/check \[options\] <paths\.\.\.>/);
  });

  it('check --help lists the options and the exit statuses', () => {
    const r = run(['check', '--help']);
    expect(r.status).toBe(0);
    for (const option of ['--format <format>', '--fail-on <severity>', '--data-format <format>']) expect(r.stdout).toContain(option);
    expect(r.stdout).toMatch(/Exit status:\n\s+0 .*\n\s+1 .*\n\s+2 /);
  });

  it('--version prints the version from package.json', () => {
    const r = run(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${packageVersion}\n`);
  });

  const usageErrors: [string[], RegExp][] = [
    [[], /Usage: shapewise/],
    [['check'], /error: missing required argument 'paths'/],
    [['check', 'models', '--format', 'xml'], /error: option '--format <format>' argument 'xml' is invalid/],
    [['check', 'models', '--fail-on'], /error: option '--fail-on <severity>' argument missing/],
    [['check', 'models', '--verbose'], /error: unknown option '--verbose'/],
  ];
  for (const [args, message] of usageErrors) {
    it(`exits 2 on a usage error: shapewise ${args.join(' ')}`, () => {
      const r = run(args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    });
  }

  it('checks real files and notebooks: exit 0, JSON in the contract shape', () => {
    const r = run(['check', 'models', 'notebooks/clean.ipynb', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.version).toBe(1);
    expect(out.files.map((f: { path: string }) => f.path)).toEqual(['models/clean.py', 'models/crlf.py', 'notebooks/clean.ipynb']);
    for (const f of out.files) {
      expect(Object.keys(f)).toEqual(['path', 'layers', 'diagnostics']);
      expect(f.diagnostics).toEqual([]);
      for (const layer of f.layers) {
        expect(layer.line).toBeGreaterThanOrEqual(1);
        expect(layer.column).toBeGreaterThanOrEqual(1);
        expect(typeof layer.layer).toBe('string');
        expect(layer.outputShape === null || Array.isArray(layer.outputShape)).toBe(true);
        if (f.path.endsWith('.ipynb')) expect(layer.cell).toBe(1);
      }
    }
    // The same file with LF and CRLF line ends gives the same layers.
    expect(out.files[1].layers).toEqual(out.files[0].layers);
  });

  it('prints text with a summary', () => {
    const r = run(['check', '.']);
    // ignored/ is in .gitignore; broken/bad.ipynb is not.
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^shapewise: error: broken\/bad\.ipynb: is not a valid notebook: invalid JSON \(.*\)\n$/);
    expect(r.stdout).toBe('4 files checked: 0 errors, 0 warnings, 0 information, 0 hints; 1 file could not be checked\n');
  });

  it('reports a broken notebook and a missing path with exit 2, still checking the rest', () => {
    const r = run(['check', 'broken', 'no/such/file.py', '--format', 'json', '--fail-on', 'never']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('shapewise: error: broken/bad.ipynb: is not a valid notebook: invalid JSON');
    expect(r.stderr).toContain('shapewise: error: no/such/file.py: no such file or directory (ENOENT)\n');
    const out = JSON.parse(r.stdout);
    expect(out.files.map((f: { path: string; error?: string }) => [f.path, typeof f.error])).toEqual([
      ['broken/bad.ipynb', 'string'],
      ['broken/ok.py', 'undefined'],
      ['no/such/file.py', 'string'],
    ]);
  });

  it('writes a SARIF 2.1.0 log', () => {
    const r = run(['check', 'models', '--format', 'sarif']);
    expect(r.status).toBe(0);
    const log = JSON.parse(r.stdout);
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].tool.driver.name).toBe('shapewise');
    expect(log.runs[0].tool.driver.version).toBe(packageVersion);
    expect(log.runs[0].columnKind).toBe('unicodeCodePoints');
    expect(log.runs[0].results).toEqual([]);
    expect(log.runs[0].invocations[0].executionSuccessful).toBe(true);
  });

  it('a report that cannot be written (stdout on a full disk): exit 2 and a clear message, not a stack trace', () => {
    // It threw from the stream's error handler: Node's trace, and exit 1 (the status of findings).
    for (const args of [['check', 'models/clean.py'], ['check', '.', '--format', 'json', '--fail-on', 'never'], ['check', 'models', '--format', 'sarif']]) {
      const full = openSync('/dev/full', 'w');
      try {
        const r = spawnSync(process.execPath, [cli, ...args], { cwd: work, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', full, 'pipe'] });
        expect(r.status).toBe(2);
        expect(r.stderr).toMatch(/^(shapewise: error: broken\/bad\.ipynb: .*\n)?shapewise: error: cannot write the report: no space left on device \(ENOSPC\)\n$/);
      } finally {
        closeSync(full);
      }
    }
  });

  it('a file whose name is not valid UTF-8: reported as such (Node cannot open it by name), the others checked', () => {
    const dir = tempTree({ 'ok.py': CLEAN_MODEL });
    try {
      mkdirSync(path.join(dir, 'sub'));
      // "caf\xe9.py" in Latin-1: a name Node lists with U+FFFD in place of the byte.
      writeFileSync(Buffer.concat([Buffer.from(path.join(dir, 'sub', 'caf')), Buffer.from([0xe9]), Buffer.from('.py')]), CLEAN_MODEL);
      const r = run(['check', '.', '--format', 'json'], dir);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe("shapewise: error: sub/caf\uFFFD.py: cannot read: its name is not valid UTF-8, which Node's file functions cannot open by name (the name shows U+FFFD for the bytes it could not decode)\n");
      expect(JSON.parse(r.stdout).files.map((f: { path: string; error?: string }) => [f.path, f.error === undefined])).toEqual([
        ['ok.py', true],
        ['sub/caf\uFFFD.py', false],
      ]);
    } finally {
      removeTree(dir);
    }
  });

  it('run from a folder deleted meanwhile: exit 2 and a clear message, not an internal error', () => {
    const gone = tempTree({});
    const file = path.join(work, 'models', 'clean.py');
    const r = spawnSync('sh', ['-c', 'cd "$1" && rmdir "$1" && exec "$2" "$3" check "$4"', 'sh', gone, process.execPath, cli, file], { encoding: 'utf8', timeout: 60_000 });
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({
      status: 2,
      stdout: '',
      stderr: 'shapewise: error: cannot read the current folder (deleted?): no such file or directory (ENOENT)\n',
    });
  });
});
