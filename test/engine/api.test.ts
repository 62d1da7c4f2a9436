// The engine's public API: names and aliases, signatures (checked against Keras 3's __init__
// parameter order), input kinds, and the never-throw contract under arbitrary input.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyLayer,
  canonicalLayerName,
  functionalMergeName,
  layerInputKind,
  layerSignature,
  supportedLayers,
} from '../../server/src/engine/index';
import type { PyValue, Shape } from '../../server/src/engine/types';
import { fc, runs } from './fc-config';
import { LAST } from './helpers';

describe('canonicalLayerName', () => {
  it.each([
    ['Conv2D', 'Conv2D'],
    ['Convolution1D', 'Conv1D'],
    ['Convolution2D', 'Conv2D'],
    ['Convolution3D', 'Conv3D'],
    ['Conv2DTranspose', 'Conv2DTranspose'],
    ['Convolution2DTranspose', 'Conv2DTranspose'],
    ['Convolution3DTranspose', 'Conv3DTranspose'],
    ['SeparableConvolution1D', 'SeparableConv1D'],
    ['SeparableConvolution2D', 'SeparableConv2D'],
    ['DepthwiseConv2D', 'DepthwiseConv2D'],
    ['MaxPool1D', 'MaxPooling1D'],
    ['MaxPool2D', 'MaxPooling2D'],
    ['MaxPool3D', 'MaxPooling3D'],
    ['AvgPool1D', 'AveragePooling1D'],
    ['AvgPool2D', 'AveragePooling2D'],
    ['AvgPool3D', 'AveragePooling3D'],
    ['GlobalAvgPool2D', 'GlobalAveragePooling2D'],
    ['GlobalMaxPool1D', 'GlobalMaxPooling1D'],
    ['GlobalAveragePooling3D', 'GlobalAveragePooling3D'],
    ['InputLayer', 'InputLayer'],
    ['Input', 'Input'],
    ['Concatenate', 'Concatenate'],
    ['Resizing', 'Resizing'],
    ['CenterCrop', 'CenterCrop'],
  ])('%s → %s', (alias, canonical) => {
    expect(canonicalLayerName(alias)).toBe(canonical);
  });

  it('returns undefined for names that are not layers we know (case-sensitive, like Python)', () => {
    for (const name of ['MinimalRNNCell', 'conv2d', 'Conv4D', 'constructor', 'toString', '__proto__', '']) {
      expect(canonicalLayerName(name)).toBeUndefined();
    }
  });

  it('every supported layer maps to itself', () => {
    for (const name of supportedLayers()) expect(canonicalLayerName(name)).toBe(name);
  });
});

describe('layerSignature (Keras 3 positional order)', () => {
  it.each([
    ['Conv2D', ['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'groups', 'activation', 'use_bias']],
    ['Conv1D', ['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'groups']],
    ['Conv2DTranspose', ['filters', 'kernel_size', 'strides', 'padding', 'output_padding', 'data_format', 'dilation_rate', 'activation']],
    ['Conv1DTranspose', ['filters', 'kernel_size', 'strides', 'padding', 'output_padding', 'data_format', 'dilation_rate']],
    // spec §5: Conv3DTranspose puts data_format before output_padding.
    ['Conv3DTranspose', ['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'output_padding', 'dilation_rate', 'activation']],
    ['DepthwiseConv2D', ['kernel_size', 'strides', 'padding', 'depth_multiplier', 'data_format', 'dilation_rate', 'activation']],
    ['SeparableConv2D', ['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'depth_multiplier', 'activation']],
    ['Dense', ['units', 'activation', 'use_bias']],
    ['Reshape', ['target_shape']],
    ['Permute', ['dims']],
    ['RepeatVector', ['n']],
    ['ZeroPadding2D', ['padding', 'data_format']],
    ['ZeroPadding1D', ['padding', 'data_format']],
    ['Cropping1D', ['cropping']],
    ['Cropping2D', ['cropping', 'data_format']],
    ['UpSampling1D', ['size']],
    ['UpSampling2D', ['size', 'data_format', 'interpolation']],
    ['UpSampling3D', ['size', 'data_format']],
    ['MaxPooling2D', ['pool_size', 'strides', 'padding', 'data_format']],
    ['AveragePooling1D', ['pool_size', 'strides', 'padding', 'data_format']],
    ['GlobalAveragePooling2D', ['data_format', 'keepdims']],
    ['Concatenate', ['axis']],
    // Keras 3's keras.Input has `ragged` between `sparse` and `batch_shape`.
    ['Input', ['shape', 'batch_size', 'dtype', 'sparse', 'ragged', 'batch_shape', 'name', 'tensor', 'optional']],
    ['InputLayer', ['shape', 'batch_size', 'dtype', 'sparse', 'ragged', 'batch_shape', 'input_tensor']],
    ['Dropout', ['rate', 'noise_shape', 'seed']],
    ['SpatialDropout2D', ['rate', 'data_format', 'seed']],
    ['Resizing', ['height', 'width', 'interpolation']],
    ['CenterCrop', ['height', 'width', 'data_format']],
    ['Softmax', ['axis']],
    ['Activation', ['activation']],
    ['GroupNormalization', ['groups', 'axis', 'epsilon']],
  ])('%s starts with %j', (name, prefix) => {
    expect(layerSignature(name).slice(0, prefix.length)).toEqual(prefix);
  });

  it('aliases share the canonical signature, unknown names have none', () => {
    expect(layerSignature('Convolution2D')).toEqual(layerSignature('Conv2D'));
    expect(layerSignature('MaxPool2D')).toEqual(layerSignature('MaxPooling2D'));
    expect(layerSignature('MinimalRNNCell')).toEqual([]);
    expect(layerSignature('Add')).toEqual([]);
  });
});

describe('functionalMergeName and layerInputKind', () => {
  it('maps the keras.layers functional merges', () => {
    expect(functionalMergeName('concatenate')).toBe('Concatenate');
    expect(functionalMergeName('add')).toBe('Add');
    expect(functionalMergeName('subtract')).toBe('Subtract');
    expect(functionalMergeName('multiply')).toBe('Multiply');
    expect(functionalMergeName('average')).toBe('Average');
    expect(functionalMergeName('maximum')).toBe('Maximum');
    expect(functionalMergeName('minimum')).toBe('Minimum');
    expect(functionalMergeName('dot')).toBe('Dot');
    expect(functionalMergeName('einsum')).toBeUndefined();
    expect(functionalMergeName('Concatenate')).toBeUndefined();
    expect(functionalMergeName('toString')).toBeUndefined();
  });

  it('knows which layers take no, one or a list of tensors', () => {
    expect(layerInputKind('Input')).toBe('none');
    expect(layerInputKind('InputLayer')).toBe('none');
    for (const m of ['Concatenate', 'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum']) expect(layerInputKind(m)).toBe('list');
    for (const s of ['Conv2D', 'Dense', 'Flatten', 'MaxPool2D', 'Dropout']) expect(layerInputKind(s)).toBe('single');
  });
});

describe('applyLayer never throws', () => {
  const leaf: fc.Arbitrary<PyValue> = fc.oneof(
    fc.integer({ min: -5, max: 300 }).map((value): PyValue => ({ kind: 'int', value })),
    fc.constantFrom<PyValue>({ kind: 'int', value: Infinity }, { kind: 'int', value: 1e300 }, { kind: 'int', value: -1 }),
    fc.double({ noNaN: false }).map((value): PyValue => ({ kind: 'float', value })),
    fc.constantFrom('same', 'valid', 'SAME', 'causal', 'channels_first', 'channels_last', 'x', '', "it's").map((value): PyValue => ({ kind: 'str', value })),
    fc.boolean().map((value): PyValue => ({ kind: 'bool', value })),
    fc.constant<PyValue>({ kind: 'none' }),
    fc.constant<PyValue>({ kind: 'unknown', reason: 'fuzz' }),
  );
  const value: fc.Arbitrary<PyValue> = fc.letrec<{ v: PyValue }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.record({ items: fc.array(tie('v'), { maxLength: 4 }), list: fc.boolean() }).map(({ items, list }): PyValue => ({ kind: 'seq', items, list })),
    ),
  })).v;
  const names = [
    'kernel_size', 'strides', 'padding', 'dilation_rate', 'filters', 'groups', 'data_format', 'output_padding', 'pool_size',
    'depth_multiplier', 'cropping', 'size', 'units', 'target_shape', 'dims', 'n', 'shape', 'batch_shape', 'batch_size',
    'axis', 'keepdims', 'height', 'width', 'rate', 'interpolation', 'input_shape', 'tensor',
  ];
  const args = fc.dictionary(fc.constantFrom(...names), value, { maxKeys: 8 });
  const dim = fc.oneof(fc.integer({ min: -3, max: 80 }), fc.constant(null), fc.constant(0));
  const shape: fc.Arbitrary<Shape | null> = fc.option(fc.array(dim, { maxLength: 6 }), { freq: 6 });

  it('returns a well-formed result for arbitrary arguments and shapes (3,000 runs)', () => {
    const classes = [...supportedLayers(), 'Unknown', 'MaxPool2D'];
    fc.assert(
      fc.property(fc.constantFrom(...classes), args, fc.array(shape, { maxLength: 4 }), fc.constantFrom(LAST, { defaultDataFormat: 'channels_first' as const }), (cls, a, inputs, opts) => {
        const r = applyLayer({ className: cls, args: a }, inputs, opts);
        expect(Array.isArray(r.axes)).toBe(true);
        expect(Array.isArray(r.steps)).toBe(true);
        expect(r.unknownReason ?? '').not.toMatch(/internal error/);
        const codes = r.findings.map((f) => f.code);
        expect(new Set(codes).size).toBe(codes.length);
        for (const f of r.findings) expect(f.message.length).toBeGreaterThan(10);
        JSON.stringify(r);
      }),
      runs(3000, 300),
    );
  });

  it('turns an unexpected internal error into an unknown output', () => {
    const hostile = { className: 'Conv2D', args: null as unknown as Record<string, PyValue> };
    const r = applyLayer(hostile, [[null, 4, 4, 3]], LAST);
    expect(r.output).toBeNull();
    expect(r.unknownReason).toMatch(/internal error/);
  });
});

describe('engine purity', () => {
  it('imports nothing outside server/src/engine', () => {
    const root = resolve(__dirname, '../../server/src/engine');
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir)) {
        const p = join(dir, e);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    walk(root);
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
        const spec = m[1]!;
        expect(spec.startsWith('.'), `${relative(root, f)} imports ${spec}`).toBe(true);
        const target = resolve(f, '..', spec);
        expect(target.startsWith(root), `${relative(root, f)} imports ${spec}`).toBe(true);
      }
    }
  });
});
