// Which Python names mean Keras things. Every import style ends up as a module path; the
// path is normalised so that `tf.keras.layers.Conv2D`, `tensorflow.keras.layers.Conv2D`,
// `keras.layers.convolutional.Conv2D` and `keras.src.layers.Conv2D` all mean one class.
import { canonicalLayerName, canonicalOpName, functionalMergeName, isBackbone } from '../engine/index';

export type KerasSymbol =
  | { kind: 'layer'; className: string }
  | { kind: 'sequential' }
  | { kind: 'model' }
  | { kind: 'merge-fn'; className: string }
  | { kind: 'int-shape' }
  /** keras.ops.shape / keras.backend.shape: static sizes as ints, a None size only known when run. */
  | { kind: 'dynamic-shape' }
  | { kind: 'set-data-format' }
  /** keras.backend.image_data_format(): the configured default ('channels_last' unless set). */
  | { kind: 'get-data-format' }
  /** keras.datasets.<name>.load_data(): arrays of published, fixed shapes. */
  | { kind: 'dataset'; name: string }
  | { kind: 'tensor-factory'; shapeArg: 'shape' | 'first' | 'dims' }
  | { kind: 'math'; name: string }
  /** tf.range / keras.ops.arange / numpy.arange: a 1-D tensor of a computable length. */
  | { kind: 'range' }
  /** tf.Variable(initial_value) / keras.Variable(initializer, shape=...): a tensor of that shape. */
  | { kind: 'variable' }
  /** A function that keeps its first argument's shape (activations, elementwise math). */
  | { kind: 'elementwise' }
  /** tf.multiply, keras.ops.add, ...: two operands, broadcast like Python's operators. */
  | { kind: 'binary'; op: string }
  /** tf.equal, keras.ops.greater, ...: a bool for numbers (mobilevit's `if tf.math.equal(c, n)`). */
  | { kind: 'compare'; op: string }
  /** tf.where / keras.ops.where(condition, x, y): the three broadcast together. */
  | { kind: 'where' }
  /** keras.applications.imagenet_utils.correct_pad(inputs, kernel_size). */
  | { kind: 'correct-pad' }
  /** keras.backend.repeat_elements along one axis (attention U-Net gates); tf.repeat is an op. */
  | { kind: 'repeat' }
  /** tensorflow_examples' pix2pix.upsample/downsample: a Sequential block (TF segmentation tutorial). */
  | { kind: 'pix2pix-block'; up: boolean }
  /** A low-level op the engine knows (tf.nn.conv2d, tf.reshape, keras.ops.conv, ...). */
  /** `label`: how the report names it when that is not the op's own name (NumPy's functions). */
  | { kind: 'op'; name: string; label?: string }
  /** A keras.applications model. */
  | { kind: 'backbone'; name: string }
  | { kind: 'module' }
  | { kind: 'other' };

/** Roots of module paths we give meaning to. */
export const KNOWN_ROOTS = new Set(['keras', 'tensorflow', 'tf_keras', 'numpy', 'math', 'tensorflow_addons']);

/** Rewrites aliases of the Keras package to a path starting with 'keras'. */
export function normaliseModulePath(path: readonly string[]): string[] {
  let p = [...path];
  if (p[0] === 'tf_keras') p = ['keras', ...p.slice(1)];
  if (p[0] === 'tensorflow') {
    // tensorflow.compat.v1.keras / tensorflow.compat.v2.keras
    if (p[1] === 'compat' && (p[2] === 'v1' || p[2] === 'v2') && p[3] === 'keras') p = ['keras', ...p.slice(4)];
    else if (p[1] === 'python' && p[2] === 'keras') p = ['keras', ...p.slice(3)];
    else if (p[1] === 'keras') p = ['keras', ...p.slice(2)];
  }
  if (p[0] === 'keras') {
    // keras.src.*, keras.api.*, keras._tf_keras.keras.* are implementation paths of the same API.
    while (p[1] === 'src' || p[1] === 'api' || p[1] === '_tf_keras' || (p[1] === 'keras' && p.length > 2)) p = ['keras', ...p.slice(2)];
  }
  return p;
}

const KERAS_MODULES = new Set([
  'layers', 'models', 'backend', 'config', 'ops', 'applications', 'activations', 'initializers',
  'regularizers', 'constraints', 'optimizers', 'losses', 'metrics', 'callbacks', 'utils', 'engine',
  'convolutional', 'pooling', 'core', 'reshaping', 'merging', 'normalization', 'regularization',
  'preprocessing', 'experimental', 'merge', 'advanced_activations', 'activation', 'legacy', 'random',
]);

const ELEMENTWISE = new Set([
  'relu', 'relu6', 'elu', 'selu', 'gelu', 'silu', 'swish', 'sigmoid', 'hard_sigmoid', 'tanh', 'softmax',
  'log_softmax', 'softplus', 'softsign', 'leaky_relu', 'mish', 'exponential', 'linear', 'hard_silu',
  'hard_swish', 'abs', 'exp', 'log', 'square', 'sqrt', 'rsqrt', 'negative', 'identity', 'stop_gradient',
  'cast', 'dropout', 'l2_normalize', 'clip_by_value', 'clip', 'sign', 'floor', 'ceil', 'round',
  'zeros_like', 'ones_like', 'full_like', 'logical_not',
  // Shape-keeping ops on their first argument (tf.nn.bias_add(value, bias), LRN, batch norm).
  'bias_add', 'local_response_normalization', 'lrn', 'batch_normalization', 'relu6', 'softmax_v2',
]);

/** Two-operand elementwise functions and the Python operator each one is. */
const BINARY = new Map([
  ['add', '+'], ['subtract', '-'], ['multiply', '*'], ['divide', '/'], ['truediv', '/'], ['true_divide', '/'],
  ['floordiv', '//'], ['floor_divide', '//'], ['pow', '**'], ['power', '**'], ['maximum', 'max'], ['minimum', 'min'],
  ['squared_difference', '-'],
]);

const COMPARE = new Map([
  ['equal', '=='], ['not_equal', '!='], ['greater', '>'], ['greater_equal', '>='], ['less', '<'], ['less_equal', '<='],
]);

const NUMPY_AS_OPS = new Set(['expand_dims', 'reshape', 'squeeze', 'transpose', 'concatenate', 'stack']);

/** The engine's name for an op under this path: 'tf.nn.conv2d', 'keras.ops.conv', ... */
function opName(raw: readonly string[], path: readonly string[]): string | undefined {
  const rest = path.slice(1).join('.');
  // NumPy's array reshaping (data prepared for a model) follows keras.ops, which mirrors it.
  const numpyOps = path[0] === 'numpy' && NUMPY_AS_OPS.has(rest) ? [`keras.ops.${rest}`] : [];
  const candidates = path[0] === 'keras' ? [`keras.${rest}`, `tf.keras.${rest}`] : raw[0] === 'tensorflow' ? [`tf.${rest}`] : numpyOps;
  for (const c of candidates) {
    const name = canonicalOpName(c);
    if (name) return name;
  }
  return undefined;
}

/** Resolutions by path: the same few names are called over and over. */
const resolved = new Map<string, KerasSymbol>();
/** Namespace values share their path arrays (keras-runtime's childNamespace): look those up first. */
const resolvedPaths = new WeakMap<readonly string[], KerasSymbol>();

/** What a (normalised) module path names. */
export function resolveSymbol(rawPath: readonly string[]): KerasSymbol {
  let sym = resolvedPaths.get(rawPath);
  if (sym) return sym;
  const key = rawPath.join('.');
  sym = resolved.get(key);
  if (!sym) {
    sym = resolveUncached(rawPath);
    if (resolved.size > 10_000) resolved.clear();
    resolved.set(key, sym);
  }
  resolvedPaths.set(rawPath, sym);
  return sym;
}

function resolveUncached(rawPath: readonly string[]): KerasSymbol {
  const path = normaliseModulePath(rawPath);
  const last = path[path.length - 1];
  const op = path.length > 1 ? opName(rawPath, path) : undefined;
  if (op) return path[0] === 'numpy' ? { kind: 'op', name: op, label: path.join('.') } : { kind: 'op', name: op };
  if (path[0] === 'keras') {
    if (path.includes('applications') && isBackbone(last)) return { kind: 'backbone', name: last };
    if (path.length === 1) return { kind: 'module' };
    if (last === 'Sequential') return { kind: 'sequential' };
    if (last === 'Model' || last === 'Functional') return { kind: 'model' };
    if (last === 'int_shape' && path.includes('backend')) return { kind: 'int-shape' };
    if (last === 'shape' && (path.includes('ops') || path.includes('backend'))) return { kind: 'dynamic-shape' };
    if (last === 'set_image_data_format') return { kind: 'set-data-format' };
    if (last === 'image_data_format') return { kind: 'get-data-format' };
    if (last === 'load_data' && path.includes('datasets') && path.length >= 3) return { kind: 'dataset', name: path[path.length - 2] };
    if (last === 'arange' && path.includes('ops')) return { kind: 'range' };
    // keras.random.normal(shape, ...) and friends: a tensor of the shape given.
    if (path[1] === 'random' && path.length === 3 && ['normal', 'uniform', 'truncated_normal'].includes(last)) return { kind: 'tensor-factory', shapeArg: 'shape' };
    if ((last === 'zeros' || last === 'ones' || last === 'empty' || last === 'full') && path.includes('ops')) return { kind: 'tensor-factory', shapeArg: 'first' };
    if (last === 'Variable' && (path.length === 2 || path.includes('backend'))) return { kind: 'variable' };
    if ((path.includes('activations') || path.includes('ops') || path.includes('backend')) && ELEMENTWISE.has(last)) return { kind: 'elementwise' };
    const bin = BINARY.get(last);
    if (bin && (path.includes('ops') || path.includes('backend'))) return { kind: 'binary', op: bin };
    const cmp = COMPARE.get(last);
    if (cmp && (path.includes('ops') || path.includes('backend'))) return { kind: 'compare', op: cmp };
    if (last === 'where' && path.includes('ops')) return { kind: 'where' };
    if (last === 'correct_pad' && path.includes('applications')) return { kind: 'correct-pad' };
    if (last === 'repeat_elements' && path.includes('backend')) return { kind: 'repeat' };
    // keras.applications.<family>.preprocess_input scales or reorders channels in place.
    if (path.includes('applications') && last === 'preprocess_input') return { kind: 'elementwise' };
    if (path.includes('layers') || path.length === 2 || path.includes('models')) {
      const merge = functionalMergeName(last);
      if (merge && path.includes('layers')) return { kind: 'merge-fn', className: merge };
      const cls = canonicalLayerName(last);
      if (cls) return { kind: 'layer', className: cls };
    }
    if (KERAS_MODULES.has(last)) return { kind: 'module' };
    return { kind: 'other' };
  }
  if (path[0] === 'tensorflow' || path[0] === 'numpy') {
    const name = path.slice(1).join('.');
    if (path[0] === 'tensorflow' && (path.length === 2 || path[1] === 'nn' || path[1] === 'math') && ELEMENTWISE.has(last)) return { kind: 'elementwise' };
    const bin = BINARY.get(last);
    if (bin && (path.length === 2 || (path[0] === 'tensorflow' && path[1] === 'math' && path.length === 3))) return { kind: 'binary', op: bin };
    const cmp = COMPARE.get(last);
    if (cmp && (path.length === 2 || (path[0] === 'tensorflow' && path[1] === 'math' && path.length === 3))) return { kind: 'compare', op: cmp };
    if (path[0] === 'tensorflow' && name === 'where') return { kind: 'where' };
    if (['zeros', 'ones', 'empty', 'random.normal', 'random.uniform', 'random.truncated_normal'].includes(name)) {
      return { kind: 'tensor-factory', shapeArg: 'first' };
    }
    if (['random.rand', 'random.randn'].includes(name) && path[0] === 'numpy') return { kind: 'tensor-factory', shapeArg: 'dims' };
    if (['random.random', 'random.random_sample'].includes(name) && path[0] === 'numpy') return { kind: 'tensor-factory', shapeArg: 'first' };
    if (['prod', 'ceil', 'floor', 'sqrt', 'maximum', 'minimum'].includes(name)) return { kind: 'math', name };
    if (name === (path[0] === 'tensorflow' ? 'range' : 'arange')) return { kind: 'range' };
    if (path[0] === 'tensorflow' && name === 'Variable') return { kind: 'variable' };
    if (path.length === 1) return { kind: 'module' };
    return { kind: 'other' };
  }
  if (path[0] === 'tensorflow_examples' && path.includes('pix2pix') && (last === 'upsample' || last === 'downsample')) {
    return { kind: 'pix2pix-block', up: last === 'upsample' };
  }
  // tensorflow_addons' normalisation layers, common in TF 2 era examples (CycleGAN).
  if (path[0] === 'tensorflow_addons' && path[1] === 'layers' && path.length === 3 && (last === 'InstanceNormalization' || last === 'GroupNormalization')) {
    return { kind: 'layer', className: last };
  }
  if (path[0] === 'math') {
    if (path.length === 1) return { kind: 'module' };
    return { kind: 'math', name: path.slice(1).join('.') };
  }
  return { kind: 'other' };
}

/** Whether a module's star import brings Keras layer classes into scope. */
export function starImportsLayers(module: string): boolean {
  const p = normaliseModulePath(module.split('.'));
  return p[0] === 'keras' && (p.includes('layers') || p.includes('models') || p.length === 1);
}

export function isKerasPath(path: readonly string[]): boolean {
  return normaliseModulePath(path)[0] === 'keras';
}
