// The op registry and entry point. Ops are called by their canonical dotted name
// ('tf.nn.conv2d', 'keras.ops.conv', ...) or an alias the libraries export for the same
// function ('keras.ops.nn.conv', 'tf.math.reduce_mean', 'tf.linalg.matmul', ...). Tensor-valued
// parameters are passed in `tensors` (a shape, null for an unknown shape, or { list } for a list
// of tensors); every other parameter as a folded PyValue in `args`. `opSignature` gives the
// parameters in Python's positional order and says which are tensors.
import type { EngineOptions, LayerResult, PyValue } from '../types';
import { t, ts, v, type OpCallInput, type OpInfo, type OpParam, type TensorArg } from './registry';
import { opContext, type OpContext } from './common';
import { kerasConv, kerasConvTranspose, kerasPool, tfConv, tfConvTranspose, tfPool } from './spatial';
import { concat, depthSpace, expandDims, extractPatches, kerasExtractPatches, flatten, pad, reshape, shapeOf, split, squeeze, stack, transpose } from './array';
import { imageResize, matmul, reduce } from './math';
import { argReduce, oneHot, repeat, tile } from './repeat';

type Impl = (ctx: OpContext) => LayerResult;

function op(name: string, params: OpParam[], summary: string, impl: Impl, aliases: string[] = []): OpInfo {
  return { name, aliases, params, summary, apply: (call, canonical) => impl(opContext(call, canonical, params)) };
}

const NAME = v('name');
const tfConvParams = (filter = 'filters'): OpParam[] => [t('input'), t(filter), v('strides', true), v('padding', true), v('data_format'), v('dilations'), NAME];
const tfPoolParams: OpParam[] = [t('input'), v('ksize', true), v('strides', true), v('padding', true), v('data_format'), NAME];
const tfTransposeParams: OpParam[] = [t('input'), t('filters'), v('output_shape', true), v('strides', true), v('padding'), v('data_format'), v('dilations'), NAME];
const kerasPoolParams: OpParam[] = [t('inputs'), v('pool_size', true), v('strides'), v('padding'), v('data_format')];
const reduceTf: OpParam[] = [t('input_tensor'), v('axis'), v('keepdims'), NAME];
const reduceKeras: OpParam[] = [t('x'), v('axis'), v('keepdims')];

const CONV_LENGTHS = (n: number): number[] => [1, n, n + 2];

const OPS: OpInfo[] = [
  // tf.nn convolutions
  op('tf.nn.conv1d', [t('input'), t('filters'), v('stride', true), v('padding', true), v('data_format'), v('dilations'), NAME], '1-D convolution: filters [k, in, out], stride int or list of 1 or 3, padding SAME/VALID or explicit.', (c) =>
    tfConv(c, 'conv', 1, { stridesInt: true, strideLengths: CONV_LENGTHS, explicit: true, strideName: 'stride' }),
  ),
  op('tf.nn.conv2d', tfConvParams(), '2-D convolution: filters [kh, kw, in, out]; strides int or list of 1, 2 or 4; padding SAME/VALID or explicit pairs.', (c) =>
    tfConv(c, 'conv', 2, { stridesInt: true, strideLengths: CONV_LENGTHS, explicit: true }),
  ),
  op('tf.nn.conv3d', tfConvParams(), '3-D convolution: filters [kd, kh, kw, in, out]; strides a list of 5; padding SAME/VALID.', (c) =>
    tfConv(c, 'conv', 3, { stridesInt: false, strideLengths: (n) => [n + 2], explicit: false }),
  ),
  op('tf.nn.convolution', [t('input'), t('filters'), v('strides'), v('padding'), v('data_format'), v('dilations'), NAME], 'N-D convolution (rank from the input).', (c) =>
    tfConv(c, 'conv', null, { stridesInt: true, strideLengths: (n) => [1, n], explicit: true }),
  ),
  op('tf.nn.depthwise_conv2d', [t('input'), t('filter'), v('strides', true), v('padding', true), v('data_format'), v('dilations'), NAME], 'Depthwise 2-D convolution: filter [kh, kw, in, multiplier], strides a list of 4.', (c) =>
    tfConv(c, 'depthwise', 2, { stridesInt: false, strideLengths: () => [4], explicit: true }),
  ),
  op(
    'tf.nn.separable_conv2d',
    [t('input'), t('depthwise_filter'), t('pointwise_filter'), v('strides', true), v('padding', true), v('data_format'), v('dilations'), NAME],
    'Depthwise then 1×1 pointwise convolution.',
    (c) => tfConv(c, 'separable', 2, { stridesInt: false, strideLengths: () => [4], explicit: false }),
  ),
  op('tf.nn.conv1d_transpose', tfTransposeParams, '1-D transposed convolution to the given output_shape.', (c) => tfConvTranspose(c, 1)),
  op('tf.nn.conv2d_transpose', tfTransposeParams, '2-D transposed convolution to the given output_shape.', (c) => tfConvTranspose(c, 2)),
  op('tf.nn.conv3d_transpose', tfTransposeParams, '3-D transposed convolution to the given output_shape.', (c) => tfConvTranspose(c, 3)),
  // tf.nn pooling
  op('tf.nn.max_pool1d', tfPoolParams, '1-D max pooling.', (c) => tfPool(c, 'max', 1, true)),
  op('tf.nn.max_pool2d', tfPoolParams, '2-D max pooling; padding SAME/VALID or explicit.', (c) => tfPool(c, 'max', 2, true)),
  op('tf.nn.max_pool3d', tfPoolParams, '3-D max pooling.', (c) => tfPool(c, 'max', 3, false)),
  op('tf.nn.avg_pool1d', tfPoolParams, '1-D average pooling.', (c) => tfPool(c, 'average', 1, false)),
  op('tf.nn.avg_pool2d', tfPoolParams, '2-D average pooling.', (c) => tfPool(c, 'average', 2, false)),
  op('tf.nn.avg_pool3d', tfPoolParams, '3-D average pooling.', (c) => tfPool(c, 'average', 3, false)),
  op('tf.nn.max_pool', tfPoolParams, 'N-D max pooling (rank from the input).', (c) => tfPool(c, 'max', null, true)),
  op('tf.nn.avg_pool', tfPoolParams, 'N-D average pooling (rank from the input).', (c) => tfPool(c, 'average', null, false)),
  // keras.ops
  op('keras.ops.conv', [t('inputs'), t('kernel'), v('strides'), v('padding'), v('data_format'), v('dilation_rate')], 'N-D convolution: kernel (*kernel_size, in, out).', (c) => kerasConv(c, 'conv'), ['keras.ops.nn.conv']),
  op(
    'keras.ops.conv_transpose',
    [t('inputs'), t('kernel'), v('strides', true), v('padding'), v('output_padding'), v('data_format'), v('dilation_rate')],
    'N-D transposed convolution: kernel (*kernel_size, out, in); Keras output length.',
    kerasConvTranspose,
    ['keras.ops.nn.conv_transpose'],
  ),
  op(
    'keras.ops.depthwise_conv',
    [t('inputs'), t('kernel'), v('strides'), v('padding'), v('data_format'), v('dilation_rate')],
    'Depthwise convolution: kernel (*kernel_size, in, multiplier).',
    (c) => kerasConv(c, 'depthwise'),
    ['keras.ops.nn.depthwise_conv'],
  ),
  op(
    'keras.ops.separable_conv',
    [t('inputs'), t('depthwise_kernel'), t('pointwise_kernel'), v('strides'), v('padding'), v('data_format'), v('dilation_rate')],
    'Depthwise then pointwise convolution.',
    (c) => kerasConv(c, 'separable'),
    ['keras.ops.nn.separable_conv'],
  ),
  op('keras.ops.max_pool', kerasPoolParams, 'N-D max pooling (strides=None means pool_size).', (c) => kerasPool(c, 'max'), ['keras.ops.nn.max_pool']),
  op('keras.ops.average_pool', kerasPoolParams, 'N-D average pooling (strides=None means pool_size).', (c) => kerasPool(c, 'average'), ['keras.ops.nn.average_pool']),
  // shapes
  op('tf.reshape', [t('tensor'), v('shape', true), NAME], 'Reshape; one -1 is inferred.', (c) => reshape(c, 'tf')),
  op('keras.ops.reshape', [t('x'), v('newshape', true)], 'Reshape (the batch axis is part of newshape); one -1 is inferred.', (c) => reshape(c, 'keras'), ['keras.ops.numpy.reshape']),
  op('tf.concat', [ts('values'), v('axis', true), NAME], 'Concatenate along axis.', (c) => concat(c, 'tf')),
  op('keras.ops.concatenate', [ts('xs'), v('axis')], 'Concatenate along axis (default 0).', (c) => concat(c, 'keras'), ['keras.ops.numpy.concatenate']),
  op('tf.stack', [ts('values'), v('axis'), NAME], 'Stack along a new axis.', (c) => stack(c, 'tf')),
  op('keras.ops.stack', [ts('x'), v('axis')], 'Stack along a new axis.', (c) => stack(c, 'keras'), ['keras.ops.numpy.stack']),
  op('tf.split', [t('value'), v('num_or_size_splits', true), v('axis'), v('num'), NAME], 'Split into equal parts or given sizes (several outputs).', (c) => split(c, 'tf')),
  op('keras.ops.split', [t('x'), v('indices_or_sections', true), v('axis')], 'Split at indices or into equal sections (several outputs).', (c) => split(c, 'keras'), ['keras.ops.numpy.split']),
  op('tf.transpose', [t('a'), v('perm'), v('conjugate'), NAME], 'Permute axes (default: reverse).', (c) => transpose(c, 'tf')),
  op('keras.ops.transpose', [t('x'), v('axes')], 'Permute axes (default: reverse).', (c) => transpose(c, 'keras'), ['keras.ops.numpy.transpose']),
  op('tf.expand_dims', [t('input'), v('axis', true), NAME], 'Insert an axis of size 1.', (c) => expandDims(c, 'tf')),
  op('keras.ops.expand_dims', [t('x'), v('axis', true)], 'Insert axes of size 1.', (c) => expandDims(c, 'keras'), ['keras.ops.numpy.expand_dims']),
  op('tf.squeeze', [t('input'), v('axis'), NAME], 'Remove axes of size 1.', (c) => squeeze(c, 'tf')),
  op('keras.ops.squeeze', [t('x'), v('axis')], 'Remove axes of size 1.', (c) => squeeze(c, 'keras'), ['keras.ops.numpy.squeeze']),
  op('tf.pad', [t('tensor'), v('paddings', true), v('mode'), v('constant_values'), NAME], 'Pad each axis by (before, after).', (c) => pad(c, 'tf')),
  op('keras.ops.pad', [t('x'), v('pad_width', true), v('mode'), v('constant_values')], 'Pad each axis by (before, after).', (c) => pad(c, 'keras'), ['keras.ops.numpy.pad']),
  op('keras.ops.ravel', [t('x')], 'Flatten everything, batch included, to one axis.', (c) => flatten(c, false), ['keras.ops.numpy.ravel']),
  op('tf.keras.backend.flatten', [t('x')], 'Flatten everything, batch included, to one axis (tf.keras 2 backend).', (c) => flatten(c, false)),
  op('tf.keras.backend.batch_flatten', [t('x')], 'Flatten all but the batch axis (tf.keras 2 backend).', (c) => flatten(c, true)),
  op('tf.nn.depth_to_space', [t('input'), v('block_size', true), v('data_format'), NAME], 'Sub-pixel upsampling: height and width ×block_size, channels ÷block_size².', (c) => depthSpace(c, true), ['tf.depth_to_space']),
  op('tf.nn.space_to_depth', [t('input'), v('block_size', true), v('data_format'), NAME], 'Blocks into channels: height and width ÷block_size, channels ×block_size².', (c) => depthSpace(c, false), ['tf.space_to_depth']),
  op('tf.image.extract_patches', [t('images'), v('sizes', true), v('strides', true), v('rates', true), v('padding', true), NAME], 'Sliding patches: rows and cols follow the conv window rule, depth ×rows·cols of the patch.', extractPatches, ['tf.compat.v1.extract_image_patches', 'tf.image.extract_image_patches']),
  op(
    'keras.ops.image.extract_patches',
    [t('images'), v('size', true), v('strides'), v('dilation_rate'), v('padding'), v('data_format')],
    'Patches of size×size: height and width follow the window rule (strides default to size, padding valid), channels ×size².',
    kerasExtractPatches,
  ),
  op('tf.shape', [t('input'), v('out_type'), NAME], 'The dynamic shape as a 1-D int tensor of length rank.', shapeOf),
  // math
  op(
    'tf.matmul',
    [t('a'), t('b'), v('transpose_a'), v('transpose_b'), v('adjoint_a'), v('adjoint_b'), v('a_is_sparse'), v('b_is_sparse'), v('output_type'), v('grad_a'), v('grad_b'), NAME],
    'Matrix product over the last two axes, batch axes broadcast.',
    (c) => matmul(c, 'tf'),
    ['tf.linalg.matmul'],
  ),
  op('keras.ops.matmul', [t('x1'), t('x2')], 'Matrix product (NumPy semantics: 1-D operands promoted), batch axes broadcast.', (c) => matmul(c, 'keras'), ['keras.ops.numpy.matmul']),
  op('tf.reduce_mean', reduceTf, 'Mean over axis.', (c) => reduce(c, 'tf', 'Mean'), ['tf.math.reduce_mean']),
  op('tf.reduce_sum', reduceTf, 'Sum over axis.', (c) => reduce(c, 'tf', 'Sum'), ['tf.math.reduce_sum']),
  op('tf.reduce_max', reduceTf, 'Max over axis.', (c) => reduce(c, 'tf', 'Max'), ['tf.math.reduce_max']),
  op('tf.reduce_min', reduceTf, 'Min over axis.', (c) => reduce(c, 'tf', 'Min'), ['tf.math.reduce_min']),
  op('keras.ops.mean', reduceKeras, 'Mean over axis.', (c) => reduce(c, 'keras', 'Mean'), ['keras.ops.numpy.mean']),
  op('keras.ops.sum', reduceKeras, 'Sum over axis.', (c) => reduce(c, 'keras', 'Sum'), ['keras.ops.numpy.sum']),
  op('keras.ops.max', [t('x'), v('axis'), v('keepdims'), v('initial')], 'Max over axis.', (c) => reduce(c, 'keras', 'Max'), ['keras.ops.numpy.max', 'keras.ops.amax']),
  op('keras.ops.min', [t('x'), v('axis'), v('keepdims'), v('initial')], 'Min over axis.', (c) => reduce(c, 'keras', 'Min'), ['keras.ops.numpy.min', 'keras.ops.amin']),
  // image
  op('tf.image.resize', [t('images'), v('size', true), v('method'), v('preserve_aspect_ratio'), v('antialias'), NAME], 'Resize (height, width) to size.', (c) => imageResize(c, 'tf')),
  op(
    'keras.ops.image.resize',
    [t('images'), v('size', true), v('interpolation'), v('antialias'), v('crop_to_aspect_ratio'), v('pad_to_aspect_ratio'), v('fill_mode'), v('fill_value'), v('data_format')],
    'Resize (height, width) to size.',
    (c) => imageResize(c, 'keras'),
  ),
];

// tiling, repeating, one-hot and arg-reductions (repeat.ts)
OPS.push(
  op('tf.tile', [t('input'), v('multiples', true), NAME], 'Tile: each axis times its multiple.', (c) => tile(c, 'tf')),
  op('keras.ops.tile', [t('x'), v('repeats', true)], 'Tile: each axis times its repeat (NumPy rules).', (c) => tile(c, 'keras'), ['keras.ops.numpy.tile']),
  op('tf.repeat', [t('input'), v('repeats', true), v('axis'), NAME], 'Repeat elements along axis (flattened without one).', (c) => repeat(c, 'tf')),
  op('keras.ops.repeat', [t('x'), v('repeats', true), v('axis')], 'Repeat elements along axis (flattened without one).', (c) => repeat(c, 'keras'), ['keras.ops.numpy.repeat']),
  op('tf.one_hot', [t('indices'), v('depth', true), v('on_value'), v('off_value'), v('axis'), v('dtype'), NAME], 'One-hot: a new axis of size depth.', (c) => oneHot(c, 'tf')),
  op('keras.ops.one_hot', [t('x'), v('num_classes', true), v('axis'), v('dtype'), v('sparse')], 'One-hot: a new axis of size num_classes.', (c) => oneHot(c, 'keras'), ['keras.ops.nn.one_hot']),
  op('tf.argmax', [t('input'), v('axis'), v('output_type'), NAME], 'Index of the maximum along axis (default 0).', (c) => argReduce(c, 'tf'), ['tf.math.argmax']),
  op('tf.argmin', [t('input'), v('axis'), v('output_type'), NAME], 'Index of the minimum along axis (default 0).', (c) => argReduce(c, 'tf'), ['tf.math.argmin']),
  op('keras.ops.argmax', [t('x'), v('axis'), v('keepdims')], 'Index of the maximum along axis (everything without one).', (c) => argReduce(c, 'keras'), ['keras.ops.numpy.argmax']),
  op('keras.ops.argmin', [t('x'), v('axis'), v('keepdims')], 'Index of the minimum along axis (everything without one).', (c) => argReduce(c, 'keras'), ['keras.ops.numpy.argmin']),
);

/**
 * Ops that are another op with renamed or fixed arguments: tf.nn.atrous_conv2d is conv2d with
 * dilations=rate; tf.nn.moments is two reductions (mean and variance) over the same axes.
 */
const intArg = (v: number): PyValue => ({ kind: 'int', value: v });
OPS.push(
  {
    name: 'tf.nn.atrous_conv2d',
    aliases: [],
    params: [t('value'), t('filters'), v('rate', true), v('padding', true), NAME],
    summary: '2-D convolution with dilation rate (stride 1).',
    apply: (call) =>
      applyOp(
        'tf.nn.conv2d',
        { strides: intArg(1), ...(call.args.rate ? { dilations: call.args.rate } : {}), ...(call.args.padding ? { padding: call.args.padding } : {}) },
        { input: call.tensors.value ?? null, filters: call.tensors.filters ?? null },
        call.options,
      ),
  },
  {
    name: 'tf.nn.moments',
    aliases: [],
    params: [t('x'), v('axes', true), v('shift'), v('keepdims'), NAME],
    summary: 'Mean and variance over axes (two outputs).',
    apply: (call) => {
      const r = applyOp(
        'tf.reduce_mean',
        { ...(call.args.axes ? { axis: call.args.axes } : {}), ...(call.args.keepdims ? { keepdims: call.args.keepdims } : {}) },
        { input_tensor: call.tensors.x ?? null },
        call.options,
      );
      return r.output === null ? r : { ...r, outputs: [r.output, [...r.output]] };
    },
  },
);

const BY_NAME = new Map<string, OpInfo>();
for (const o of OPS) {
  BY_NAME.set(o.name, o);
  for (const a of o.aliases ?? []) BY_NAME.set(a, o);
}

function lookup(name: string): OpInfo | undefined {
  return BY_NAME.get(name);
}

/** The canonical name of an op or alias ('keras.ops.nn.conv' → 'keras.ops.conv'); undefined if unknown. */
export function canonicalOpName(name: string): string | undefined {
  return lookup(name)?.name;
}

export function isOp(name: string): boolean {
  return lookup(name) !== undefined;
}

/** The op's parameters in Python's positional order; [] for an unknown op. */
export function opSignature(name: string): readonly OpParam[] {
  return lookup(name)?.params ?? [];
}

/** Every canonical op name. */
export function supportedOps(): string[] {
  return OPS.map((o) => o.name);
}

/**
 * Applies an op to folded arguments. `args` holds the non-tensor parameters by name (positional
 * ones mapped with opSignature); `tensors` the tensor parameters by name: a shape, null when the
 * shape is unknown, or `{ list: [...] }` for a list of tensors (tf.concat's `values`). Several
 * results (tf.split) come back in `outputs`. Never throws.
 */
export function applyOp(name: string, args: Record<string, PyValue>, tensors: Record<string, TensorArg>, options: EngineOptions): LayerResult {
  const info = lookup(name);
  if (!info) {
    return { output: null, axes: [], steps: [`${name} is not an op Shapewise knows.`], findings: [], unknownReason: `${name} is not an op Shapewise knows` };
  }
  try {
    const call: OpCallInput = { args: { ...args }, tensors, options };
    return info.apply(call, info.name);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { output: null, axes: [], steps: [], findings: [], unknownReason: `internal error while computing ${info.name}: ${why}` };
  }
}

export type { OpParam, TensorArg };
