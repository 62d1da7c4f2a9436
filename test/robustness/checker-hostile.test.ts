// The checker (`shapewise check`) on hostile inputs, with the real analysis: broken notebooks,
// notebooks with missing parts and non-Python cells, folders with symbolic-link loops, files
// that cannot be read (permissions, FIFOs, directories named like files, dangling links), a
// 5 MB file. Each problem gets a clear message on stderr and exit status 2 where a file could
// not be checked, and every other file is still checked and reported.
//
// Unreadable files: as root, chmod 000 does not stop reading, so those cases run the built
// checker as the unprivileged user `nobody` (uid 65534); as any other user, in-process.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../../server/src/analysis';
import { notebookJson, removeTree, runCli, tempTree, type RunResult } from '../cli/helpers';
// @ts-expect-error plain JavaScript module without type declarations
import { generateKerasFile } from '../bench/generate.mjs';

const generate = generateKerasFile as (lines: number, seed?: number) => string;
const repoRoot = path.resolve(__dirname, '../..');
const cliJs = path.join(repoRoot, 'dist', 'cli.js');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const NOBODY = 65534;

const MODEL = 'import keras\nfrom keras import layers\ninputs = keras.Input((65, 65, 3))\nx = layers.Conv2D(8, 3, strides=2, padding="same")(inputs)\n';
const CELL_INPUT = 'import keras\nfrom keras import layers\ninputs = keras.Input((64, 64, 3))\n';
const CELL_CONV = 'x = layers.Conv2D(8, 3, strides=2, padding="valid")(inputs)\n';

interface FileOut {
  path: string;
  error?: string;
  notAnalysed?: string;
  layers: { layer: string; outputShape: unknown; cell?: number }[];
  diagnostics: { code: string }[];
}

/** Runs the checker in-process with a new real Analyzer (the run disposes it at the end). */
async function check(args: string[], cwd: string): Promise<RunResult & { files: FileOut[] }> {
  const r = await runCli(['check', ...args, '--format', 'json'], cwd, await Analyzer.create());
  return { ...r, files: (JSON.parse(r.stdout) as { files: FileOut[] }).files };
}

function layersOf(f: FileOut | undefined): string[] {
  return (f?.layers ?? []).map((l) => `${l.layer} ${JSON.stringify(l.outputShape)}${l.cell === undefined ? '' : ` @${l.cell}`}`);
}

// ------------------------------------------------------------------------------ notebooks

describe('notebooks', () => {
  let root: string;
  beforeAll(() => {
    root = tempTree({
      'ok.py': MODEL,
      'broken-json.ipynb': '{"cells": [{"cell_type": "code", "source": "x = 1"',
      'empty.ipynb': '',
      'array.ipynb': '[{"cell_type": "code"}]',
      'no-cells.ipynb': JSON.stringify({ metadata: {}, nbformat: 4, nbformat_minor: 5 }),
      'cells-not-a-list.ipynb': JSON.stringify({ cells: { 0: { cell_type: 'code', source: 'x = 1' } }, nbformat: 4 }),
      'cell-not-an-object.ipynb': JSON.stringify({ cells: [{ cell_type: 'code', source: CELL_INPUT }, 'just a string'], nbformat: 4 }),
      'bad-source.ipynb': JSON.stringify({ cells: [{ cell_type: 'code', source: { lines: ['x'] } }], nbformat: 4 }),
      'missing-source.ipynb': JSON.stringify({
        cells: [
          { cell_type: 'code', source: CELL_INPUT, metadata: {}, outputs: [] },
          { cell_type: 'code', metadata: {}, outputs: [] }, // no source at all
          { cell_type: 'code', source: null, metadata: {} },
          { cell_type: 'code', source: CELL_CONV, metadata: {} },
        ],
        nbformat: 4,
        nbformat_minor: 5,
      }),
      'mixed-languages.ipynb': notebookJson([
        { cell_type: 'markdown', source: '# A model\n```python\nlayers.Conv2D(1, 1)(inputs)\n```' },
        { cell_type: 'code', source: CELL_INPUT },
        { cell_type: 'raw', source: 'y = layers.Conv2D(1, 1)(inputs)' },
        { cell_type: 'code', source: '%%R\nlibrary(keras)\ny <- layer_conv_2d(filters = 1, kernel_size = 1)', metadata: {} },
        { cell_type: 'code', source: 'z = layers.Conv2D(2, 3)(inputs)', metadata: { vscode: { languageId: 'r' } } },
        { cell_type: 'code', source: CELL_CONV },
        { cell_type: 'heading', source: 'an nbformat 3 cell type in nbformat 4' },
      ]),
      'r-kernel.ipynb': notebookJson([{ cell_type: 'code', source: CELL_INPUT + CELL_CONV }], { kernelspec: { language: 'R', name: 'ir' } }),
      'bom.ipynb': '\uFEFF' + notebookJson([{ cell_type: 'code', source: CELL_INPUT + CELL_CONV }]),
      'nbformat3.ipynb': JSON.stringify({ worksheets: [{ cells: [{ cell_type: 'code', input: CELL_INPUT + CELL_CONV, language: 'python' }] }], nbformat: 3 }),
      'huge-output.ipynb': notebookJson([{ cell_type: 'code', source: CELL_INPUT + CELL_CONV }]).replace('"outputs":[]', `"outputs":[{"output_type":"stream","name":"stdout","text":"${'x'.repeat(3_000_000)}"}]`),
    });
  });
  afterAll(() => removeTree(root));

  it('each broken notebook gets a clear message and exit 2; every other file is still checked', async () => {
    const r = await check(['.'], root);
    expect(r.code).toBe(2);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('shapewise: error: '));
    expect(errors).toEqual([
      'shapewise: error: array.ipynb: is not a valid notebook: the JSON is not an object',
      'shapewise: error: bad-source.ipynb: is not a valid notebook: the source of cell 0 is neither a string nor a list of strings',
      expect.stringMatching(/^shapewise: error: broken-json\.ipynb: is not a valid notebook: invalid JSON \(.+\)$/),
      'shapewise: error: cell-not-an-object.ipynb: is not a valid notebook: cell 1 is not an object',
      'shapewise: error: cells-not-a-list.ipynb: is not a valid notebook: it has no "cells" list',
      expect.stringMatching(/^shapewise: error: empty\.ipynb: is not a valid notebook: invalid JSON \(.+\)$/),
      'shapewise: error: no-cells.ipynb: is not a valid notebook: it has no "cells" list',
    ]);
    const byPath = new Map(r.files.map((f) => [f.path, f]));
    expect([...byPath.keys()]).toEqual([
      'array.ipynb',
      'bad-source.ipynb',
      'bom.ipynb',
      'broken-json.ipynb',
      'cell-not-an-object.ipynb',
      'cells-not-a-list.ipynb',
      'empty.ipynb',
      'huge-output.ipynb',
      'missing-source.ipynb',
      'mixed-languages.ipynb',
      'nbformat3.ipynb',
      'no-cells.ipynb',
      'ok.py',
      'r-kernel.ipynb',
    ]);
    for (const f of r.files) expect(f.error !== undefined, f.path).toBe(errors.some((e) => e.includes(` ${f.path}: `)));
    // The readable ones are analysed: 64 → valid 3×3 stride 2 → 31.
    const conv = ['Input [null,64,64,3]', 'Conv2D [null,31,31,8]'];
    expect(layersOf(byPath.get('ok.py'))).toEqual(['Input [null,65,65,3]', 'Conv2D [null,33,33,8]']);
    expect(layersOf(byPath.get('bom.ipynb'))).toEqual(conv.map((l) => `${l} @0`));
    expect(layersOf(byPath.get('nbformat3.ipynb'))).toEqual(conv.map((l) => `${l} @0`));
    expect(layersOf(byPath.get('huge-output.ipynb'))).toEqual(conv.map((l) => `${l} @0`));
    // A code cell without a source is an empty cell: the cells around it are one program.
    expect(layersOf(byPath.get('missing-source.ipynb'))).toEqual(['Input [null,64,64,3] @0', 'Conv2D [null,31,31,8] @3']);
    // Markdown, raw, %%R and R-language cells are not Python: only cells 1 and 5 count.
    expect(layersOf(byPath.get('mixed-languages.ipynb'))).toEqual(['Input [null,64,64,3] @1', 'Conv2D [null,31,31,8] @5']);
    // A notebook of another language is not analysed at all, and that is not an error.
    expect(byPath.get('r-kernel.ipynb')).toMatchObject({ layers: [], diagnostics: [] });
    expect(byPath.get('r-kernel.ipynb')?.error).toBeUndefined();
  });

  it('--fail-on never does not hide a broken notebook', async () => {
    const r = await runCli(['check', 'broken-json.ipynb', 'ok.py', '--fail-on', 'never'], root, await Analyzer.create());
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/1 file could not be checked\n$/);
  });
});

// ------------------------------------------------------------------------------ folders

describe('a folder with symbolic-link loops and things that are not files', () => {
  let root: string;
  beforeAll(() => {
    root = tempTree({ 'good.py': MODEL, 'pkg/also_good.py': MODEL, 'pkg/deeper/nb.ipynb': notebookJson([{ cell_type: 'code', source: CELL_INPUT + CELL_CONV }]) });
    symlinkSync('.', path.join(root, 'loop')); // a folder linking to itself
    symlinkSync('..', path.join(root, 'pkg', 'up')); // back to the parent
    symlinkSync('self.py', path.join(root, 'self.py')); // a link to itself
    symlinkSync('b.py', path.join(root, 'a.py')); // two links to each other
    symlinkSync('a.py', path.join(root, 'b.py'));
    symlinkSync('missing.py', path.join(root, 'dangling.py'));
    symlinkSync(path.join(root, 'good.py'), path.join(root, 'pkg', 'link_to_good.py'));
    mkdirSync(path.join(root, 'folder.py')); // a directory named like a Python file
    writeFileSync(path.join(root, 'folder.py', 'inside.py'), MODEL);
    spawnSync('mkfifo', [path.join(root, 'pipe.py')]); // a FIFO: opening it would block
  });
  afterAll(() => removeTree(root));

  it('checked as a folder: links are not followed (no loop, no file twice), nothing hangs', async () => {
    const r = await check(['.'], root);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.files.map((f) => [f.path, f.layers.length])).toEqual([
      ['folder.py/inside.py', 2],
      ['good.py', 2],
      ['pkg/also_good.py', 2],
      ['pkg/deeper/nb.ipynb', 2],
    ]);
  });

  it('links and special files named explicitly: a clear message each, exit 2, the others checked', async () => {
    const hasFifo = (() => {
      try {
        return statSync(path.join(root, 'pipe.py')).isFIFO();
      } catch {
        return false;
      }
    })();
    const args = ['self.py', 'a.py', 'dangling.py', 'loop/loop/loop/good.py', 'good.py', 'folder.py', ...(hasFifo ? ['pipe.py'] : [])];
    const r = await check(args, root);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean).sort()).toEqual(
      [
        'shapewise: error: a.py: too many levels of symbolic links (ELOOP)',
        'shapewise: error: dangling.py: no such file or directory (ENOENT)',
        'shapewise: error: self.py: too many levels of symbolic links (ELOOP)',
        ...(hasFifo ? ['shapewise: error: pipe.py: cannot read: not a regular file'] : []),
      ].sort(),
    );
    expect(r.files.filter((f) => f.error === undefined).map((f) => [f.path, f.layers.length])).toEqual([
      ['folder.py/inside.py', 2],
      ['good.py', 2],
      ['loop/loop/loop/good.py', 2],
    ]);
  });
});

// ------------------------------------------------------------------------------ unreadable

describe('files and folders that cannot be read', () => {
  let root: string;
  beforeAll(() => {
    root = tempTree({
      'readable.py': MODEL,
      'secret.py': MODEL,
      'secret.ipynb': notebookJson([{ cell_type: 'code', source: CELL_INPUT }]),
      'locked/hidden.py': MODEL,
      'open/visible.py': MODEL,
      'not-utf8.py': Uint8Array.from([0x78, 0x20, 0x3d, 0x20, 0x27, 0xe9, 0x27, 0x0a]),
    });
    // Everyone may walk the tree (the checker may run as another user), except where locked.
    chmodSync(root, 0o755);
    for (const d of ['locked', 'open']) chmodSync(path.join(root, d), 0o755);
    for (const f of ['readable.py', 'not-utf8.py', 'open/visible.py', 'locked/hidden.py']) chmodSync(path.join(root, f), 0o644);
    chmodSync(path.join(root, 'secret.py'), 0o000);
    chmodSync(path.join(root, 'secret.ipynb'), 0o000);
    chmodSync(path.join(root, 'locked'), 0o000);
  });
  afterAll(() => {
    chmodSync(path.join(root, 'locked'), 0o755);
    removeTree(root);
  });

  /** The checker run by a user the permissions apply to. */
  async function checkAsUser(args: string[]): Promise<{ code: number; stderr: string; files: FileOut[] }> {
    if (!isRoot) {
      const r = await check(args, root);
      return { code: r.code, stderr: r.stderr, files: r.files };
    }
    const r = spawnSync(process.execPath, [cliJs, 'check', ...args, '--format', 'json'], {
      cwd: root,
      encoding: 'utf8',
      uid: NOBODY,
      gid: NOBODY,
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? '', HOME: root },
    });
    if (r.error) throw r.error;
    return { code: r.status ?? -1, stderr: r.stderr, files: (JSON.parse(r.stdout) as { files: FileOut[] }).files };
  }

  it('permission denied on files and on a sub-folder: a message each, exit 2, every other file checked', async () => {
    expect(readdirSync(root).sort()).toEqual(['locked', 'not-utf8.py', 'open', 'readable.py', 'secret.ipynb', 'secret.py']);
    const r = await checkAsUser(['.']);
    expect(r.code).toBe(2);
    // (The unreadable folder is reported twice today: see the next test.)
    expect([...new Set(r.stderr.split('\n').filter(Boolean))]).toEqual([
      'shapewise: error: locked: cannot list folder: permission denied (EACCES)',
      'shapewise: error: not-utf8.py: is not valid UTF-8 (first bad byte at offset 5, line 1); save it as UTF-8 or declare its encoding',
      'shapewise: error: secret.ipynb: cannot read: permission denied (EACCES)',
      'shapewise: error: secret.py: cannot read: permission denied (EACCES)',
    ]);
    const files = new Map(r.files.map((f) => [f.path, f.error === undefined ? f.layers.length : 'error']));
    expect([...files]).toEqual([
      ['locked', 'error'],
      ['not-utf8.py', 'error'],
      ['open/visible.py', 2],
      ['readable.py', 2],
      ['secret.ipynb', 'error'],
      ['secret.py', 'error'],
    ]);
  }, 90_000);

  // fast-glob fails on an unreadable folder once per pattern group; the checker reports it once.
  it('an unreadable folder is reported once', async () => {
    const r = await checkAsUser(['.']);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('shapewise: error: locked:'))).toHaveLength(1);
    expect(r.files.filter((f) => f.path === 'locked')).toHaveLength(1);
  }, 90_000);

  it('a file in an unreadable folder, named explicitly', async () => {
    const r = await checkAsUser(['locked/hidden.py', 'readable.py']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('shapewise: error: locked/hidden.py: permission denied (EACCES)\n');
    expect(r.files.map((f) => [f.path, f.error === undefined])).toEqual([
      ['locked/hidden.py', false],
      ['readable.py', true],
    ]);
  }, 90_000);
});

// ------------------------------------------------------------------------------ big files

describe('a 5 MB file among others', () => {
  let root: string;
  beforeAll(() => {
    const unit = generate(2_000, 3);
    let big = '';
    while (big.length < 5_000_000) big += unit;
    // 7.8 MB of `x = 1`: the parser gives up whatever the machine's speed, between simple
    // statements, so that the next file always gets the mixed tree described below.
    root = tempTree({ 'a_big.py': big, 'b_small.py': MODEL, 'c_small.py': MODEL, 'assignments.py': 'x = 1\n'.repeat(1_300_000) });
  });
  afterAll(() => removeTree(root));

  it('is noted as not analysed (not an error), with the reason', async () => {
    const r = await check(['a_big.py'], root);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('shapewise: note: a_big.py was not analysed: the parser gave up on this file (too deeply nested or too large)\n');
    expect(r.files[0].notAnalysed).toBe('the parser gave up on this file (too deeply nested or too large)');
  }, 60_000);

  // web-tree-sitter resumes a parse that gave up on the next call, whatever its text, unless the
  // parser is reset (Analyzer.parse does): the files after a too-large one must not inherit it.
  it('the files checked after it are analysed exactly as on their own', async () => {
    const together = await check(['assignments.py', 'b_small.py', 'c_small.py'], root);
    expect(together.files[0].notAnalysed).toBe('the parser gave up on this file (too deeply nested or too large)');
    const alone = await check(['b_small.py', 'c_small.py'], root);
    expect(together.files.slice(1)).toEqual(alone.files);
    expect(layersOf(together.files[1])).toEqual(['Input [null,65,65,3]', 'Conv2D [null,33,33,8]']);
  }, 90_000);
});
