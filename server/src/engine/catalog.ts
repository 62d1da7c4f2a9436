// Every layer the engine knows: canonical Keras 3 class name, the aliases keras.layers exports
// for it, its positional parameter order (so the front end can name positional arguments), and
// how it takes its inputs. Signatures are Keras 3's `__init__` parameters in order.
import { EXTRA_FUNCTIONAL, EXTRA_LAYERS } from './catalog-extra';

/**
 * How a layer takes its tensors: none (Input), one, a Python list (merges, Attention), or
 * several separate tensor parameters of `__call__` ('multi': MultiHeadAttention(query, value,
 * key); `tensors` names them, and `applyLayer` gets them in that order).
 */
export type InputKind = 'none' | 'single' | 'list' | 'multi';

export interface LayerInfo {
  name: string;
  aliases?: string[];
  signature: readonly string[];
  input: InputKind;
  /** `__call__`'s positional parameters after self; default ['inputs']. */
  call?: readonly string[];
  /** Which of `call` are tensors passed to applyLayer as `inputs` (in order); default the first. */
  tensors?: readonly string[];
}

const CONV_TAIL = [
  'activation',
  'use_bias',
  'kernel_initializer',
  'bias_initializer',
  'kernel_regularizer',
  'bias_regularizer',
  'activity_regularizer',
  'kernel_constraint',
  'bias_constraint',
] as const;

const CONV = ['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'groups', ...CONV_TAIL];
const CONV_T = ['filters', 'kernel_size', 'strides', 'padding', 'output_padding', 'data_format', 'dilation_rate', ...CONV_TAIL];
// Conv3DTranspose puts data_format before output_padding (spec §5).
const CONV3D_T = ['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'output_padding', 'dilation_rate', ...CONV_TAIL];
const DEPTHWISE = [
  'kernel_size',
  'strides',
  'padding',
  'depth_multiplier',
  'data_format',
  'dilation_rate',
  'activation',
  'use_bias',
  'depthwise_initializer',
  'bias_initializer',
  'depthwise_regularizer',
  'bias_regularizer',
  'activity_regularizer',
  'depthwise_constraint',
  'bias_constraint',
];
const SEPARABLE = [
  'filters',
  'kernel_size',
  'strides',
  'padding',
  'data_format',
  'dilation_rate',
  'depth_multiplier',
  'activation',
  'use_bias',
  'depthwise_initializer',
  'pointwise_initializer',
  'bias_initializer',
  'depthwise_regularizer',
  'pointwise_regularizer',
  'bias_regularizer',
  'activity_regularizer',
  'depthwise_constraint',
  'pointwise_constraint',
  'bias_constraint',
];
const POOL = ['pool_size', 'strides', 'padding', 'data_format', 'name'];
const GLOBAL_POOL = ['data_format', 'keepdims'];
const DROPOUT = ['rate', 'noise_shape', 'seed'];
const SPATIAL_DROPOUT = ['rate', 'data_format', 'seed', 'name', 'dtype'];
const NORM_TAIL = ['beta_initializer', 'gamma_initializer', 'beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint'];

function single(name: string, signature: readonly string[], aliases?: string[]): LayerInfo {
  return aliases ? { name, signature, input: 'single', aliases } : { name, signature, input: 'single' };
}

const LAYERS: LayerInfo[] = [
  // Inputs
  {
    name: 'Input',
    signature: ['shape', 'batch_size', 'dtype', 'sparse', 'ragged', 'batch_shape', 'name', 'tensor', 'optional'],
    input: 'none',
  },
  {
    name: 'InputLayer',
    signature: ['shape', 'batch_size', 'dtype', 'sparse', 'ragged', 'batch_shape', 'input_tensor', 'optional', 'name'],
    input: 'none',
  },
  // Convolutions
  single('Conv1D', CONV, ['Convolution1D']),
  single('Conv2D', CONV, ['Convolution2D']),
  single('Conv3D', CONV, ['Convolution3D']),
  single('Conv1DTranspose', CONV_T, ['Convolution1DTranspose']),
  single('Conv2DTranspose', CONV_T, ['Convolution2DTranspose']),
  single('Conv3DTranspose', CONV3D_T, ['Convolution3DTranspose']),
  single('DepthwiseConv1D', DEPTHWISE),
  single('DepthwiseConv2D', DEPTHWISE),
  single('SeparableConv1D', SEPARABLE, ['SeparableConvolution1D']),
  single('SeparableConv2D', SEPARABLE, ['SeparableConvolution2D']),
  // Pooling
  single('MaxPooling1D', POOL, ['MaxPool1D']),
  single('MaxPooling2D', POOL, ['MaxPool2D']),
  single('MaxPooling3D', POOL, ['MaxPool3D']),
  single('AveragePooling1D', POOL, ['AvgPool1D']),
  single('AveragePooling2D', POOL, ['AvgPool2D']),
  single('AveragePooling3D', POOL, ['AvgPool3D']),
  single('GlobalMaxPooling1D', GLOBAL_POOL, ['GlobalMaxPool1D']),
  single('GlobalMaxPooling2D', GLOBAL_POOL, ['GlobalMaxPool2D']),
  single('GlobalMaxPooling3D', GLOBAL_POOL, ['GlobalMaxPool3D']),
  single('GlobalAveragePooling1D', GLOBAL_POOL, ['GlobalAvgPool1D']),
  single('GlobalAveragePooling2D', GLOBAL_POOL, ['GlobalAvgPool2D']),
  single('GlobalAveragePooling3D', GLOBAL_POOL, ['GlobalAvgPool3D']),
  // Spatial padding, cropping, upsampling
  single('ZeroPadding1D', ['padding', 'data_format']),
  single('ZeroPadding2D', ['padding', 'data_format']),
  single('ZeroPadding3D', ['padding', 'data_format']),
  single('Cropping1D', ['cropping']),
  single('Cropping2D', ['cropping', 'data_format']),
  single('Cropping3D', ['cropping', 'data_format']),
  single('UpSampling1D', ['size']),
  single('UpSampling2D', ['size', 'data_format', 'interpolation']),
  single('UpSampling3D', ['size', 'data_format']),
  // Core and reshaping
  single('Dense', [
    'units',
    'activation',
    'use_bias',
    'kernel_initializer',
    'bias_initializer',
    'kernel_regularizer',
    'bias_regularizer',
    'activity_regularizer',
    'kernel_constraint',
    'bias_constraint',
    'lora_rank',
    'lora_alpha',
    'quantization_config',
  ]),
  single('Flatten', ['data_format']),
  single('Reshape', ['target_shape']),
  single('Permute', ['dims']),
  single('RepeatVector', ['n']),
  single('Resizing', ['height', 'width', 'interpolation', 'crop_to_aspect_ratio', 'pad_to_aspect_ratio', 'fill_mode', 'fill_value', 'data_format']),
  single('CenterCrop', ['height', 'width', 'data_format']),
  // RandomCrop outputs (height, width) in training (a crop) and inference (centre crop/resize).
  single('RandomCrop', ['height', 'width', 'seed', 'data_format', 'name']),
  // Image augmentation: every one keeps the input shape.
  single('RandomFlip', ['mode', 'seed', 'data_format']),
  single('RandomRotation', ['factor', 'fill_mode', 'interpolation', 'seed', 'fill_value', 'value_range', 'data_format']),
  single('RandomZoom', ['height_factor', 'width_factor', 'fill_mode', 'interpolation', 'seed', 'fill_value', 'data_format']),
  single('RandomTranslation', ['height_factor', 'width_factor', 'fill_mode', 'interpolation', 'seed', 'fill_value', 'data_format']),
  single('RandomContrast', ['factor', 'value_range', 'seed']),
  single('RandomBrightness', ['factor', 'value_range', 'seed']),
  single('RandomGrayscale', ['factor', 'data_format', 'seed']),
  single('RandomHue', ['factor', 'value_range', 'data_format', 'seed']),
  single('RandomSaturation', ['factor', 'value_range', 'data_format', 'seed']),
  single('RandomSharpness', ['factor', 'value_range', 'data_format', 'seed']),
  single('RandomShear', ['x_factor', 'y_factor', 'interpolation', 'fill_mode', 'fill_value', 'data_format', 'seed']),
  single('RandomColorJitter', ['value_range', 'brightness_factor', 'contrast_factor', 'saturation_factor', 'hue_factor', 'seed', 'data_format']),
  single('RandomColorDegeneration', ['factor', 'value_range', 'data_format', 'seed']),
  single('RandomPosterization', ['factor', 'value_range', 'data_format', 'seed']),
  single('RandomErasing', ['factor', 'scale', 'fill_value', 'value_range', 'seed', 'data_format']),
  single('RandomGaussianBlur', ['factor', 'kernel_size', 'sigma', 'value_range', 'data_format', 'seed']),
  single('RandomPerspective', ['factor', 'scale', 'interpolation', 'fill_value', 'seed', 'data_format']),
  single('RandomInvert', ['factor', 'value_range', 'seed', 'data_format']),
  single('RandomElasticTransform', ['factor', 'scale', 'interpolation', 'fill_mode', 'fill_value', 'value_range', 'seed', 'data_format']),
  single('Solarization', ['addition_factor', 'threshold_factor', 'value_range', 'seed']),
  single('AutoContrast', ['value_range']),
  single('Equalization', ['value_range', 'bins', 'data_format']),
  single('RandAugment', ['value_range', 'num_ops', 'factor', 'interpolation', 'seed', 'data_format']),
  single('AugMix', ['value_range', 'num_chains', 'chain_depth', 'factor', 'alpha', 'all_ops', 'interpolation', 'seed', 'data_format']),
  // Shape-preserving
  single('Activation', ['activation']),
  single('ReLU', ['max_value', 'negative_slope', 'threshold']),
  single('LeakyReLU', ['negative_slope']),
  single('PReLU', ['alpha_initializer', 'alpha_regularizer', 'alpha_constraint', 'shared_axes']),
  single('ELU', ['alpha']),
  single('Softmax', ['axis']),
  single('ThresholdedReLU', ['theta']),
  single('BatchNormalization', [
    'axis',
    'momentum',
    'epsilon',
    'center',
    'scale',
    'beta_initializer',
    'gamma_initializer',
    'moving_mean_initializer',
    'moving_variance_initializer',
    'beta_regularizer',
    'gamma_regularizer',
    'beta_constraint',
    'gamma_constraint',
    'synchronized',
  ]),
  single('LayerNormalization', ['axis', 'epsilon', 'center', 'scale', 'rms_scaling', ...NORM_TAIL]),
  single('GroupNormalization', ['groups', 'axis', 'epsilon', 'center', 'scale', ...NORM_TAIL]),
  single('UnitNormalization', ['axis']),
  // tensorflow_addons' instance norm (GroupNormalization with one group per channel); keyword-only.
  single('InstanceNormalization', []),
  single('RMSNormalization', ['axis', 'epsilon']),
  single('Dropout', DROPOUT),
  single('SpatialDropout1D', ['rate', 'seed', 'name', 'dtype']),
  single('SpatialDropout2D', SPATIAL_DROPOUT),
  single('SpatialDropout3D', SPATIAL_DROPOUT),
  single('GaussianNoise', ['stddev', 'seed']),
  single('GaussianDropout', ['rate', 'seed']),
  single('AlphaDropout', DROPOUT),
  single('ActivityRegularization', ['l1', 'l2']),
  single('Rescaling', ['scale', 'offset']),
  single('Normalization', ['axis', 'mean', 'variance', 'invert']),
  single('Identity', []),
  single('Masking', ['mask_value']),
  // Merges
  { name: 'Concatenate', signature: ['axis'], input: 'list' },
  { name: 'Add', signature: [], input: 'list' },
  { name: 'Subtract', signature: [], input: 'list' },
  { name: 'Multiply', signature: [], input: 'list' },
  { name: 'Average', signature: [], input: 'list' },
  { name: 'Maximum', signature: [], input: 'list' },
  { name: 'Minimum', signature: [], input: 'list' },
  ...EXTRA_LAYERS,
];

const BY_NAME = new Map<string, LayerInfo>();
for (const info of LAYERS) {
  BY_NAME.set(info.name, info);
  for (const a of info.aliases ?? []) BY_NAME.set(a, info);
}

/** keras.layers' functional merge forms (`layers.concatenate([a, b], axis=1)`). */
const FUNCTIONAL_MERGES: Record<string, string> = {
  concatenate: 'Concatenate',
  add: 'Add',
  subtract: 'Subtract',
  multiply: 'Multiply',
  average: 'Average',
  maximum: 'Maximum',
  minimum: 'Minimum',
  ...EXTRA_FUNCTIONAL,
};

export function lookupLayer(name: string): LayerInfo | undefined {
  return BY_NAME.get(name);
}

export function lookupFunctionalMerge(fn: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(FUNCTIONAL_MERGES, fn) ? FUNCTIONAL_MERGES[fn] : undefined;
}

export function allLayers(): readonly LayerInfo[] {
  return LAYERS;
}
