// What every keras.applications constructor does before building its layers: the `weights`
// and `classes` checks, imagenet_utils.obtain_input_shape (default shape, minimum size, static
// shape for include_top), validate_activation, and the classification/pooling top. Messages
// are Keras' own (keras/src/applications/imagenet_utils.py and the model files).
import type { DataFormat, Dim, PyValue, Shape } from '../types';
import { FindingSink, kerasRaises } from '../findings';
import { intValue, isIntLike, repr, shapeRepr, tupleRepr } from '../py';
import { sub, mul, windowOutput } from '../dim';
import { concrete } from '../known';
import { truthy } from '../layers/seq-common';
import { UNK, type Graph, type T } from './graph';

/** The arguments of an application call, read once. */
export interface AppArgs {
  includeTop: boolean | null;
  /** 'imagenet', null (None), 'path' (another string: a weights file), or 'unknown'. */
  weights: 'imagenet' | null | 'path' | 'unknown';
  inputShape: Dim[] | null | 'unknown';
  /** The written input_shape was a list (a list never equals Keras' tuple default_shape). */
  inputShapeIsList: boolean;
  pooling: string | null | 'unknown';
  classes: number | null;
  classifierActivation: PyValue | undefined;
  raw: (name: string) => PyValue | undefined;
}

export function readAppArgs(args: Record<string, PyValue>, sink: FindingSink, defaults: { weights?: 'imagenet' | null } = {}): AppArgs {
  const raw = (n: string): PyValue | undefined => (Object.prototype.hasOwnProperty.call(args, n) ? args[n] : undefined);
  const it = raw('include_top');
  const includeTop = it === undefined ? true : truthy(it);
  const w = raw('weights');
  let weights: AppArgs['weights'] = defaults.weights === undefined ? 'imagenet' : defaults.weights;
  if (w !== undefined) {
    if (w.kind === 'none') weights = null;
    else if (w.kind === 'str') weights = w.value === 'imagenet' ? 'imagenet' : 'path';
    else if (w.kind === 'unknown') weights = 'unknown';
    else {
      sink.add(
        'invalid-layer-argument',
        kerasRaises(
          `The \`weights\` argument should be either \`None\` (random initialization), 'imagenet' (pre-training on ImageNet), or the path to the weights file to be loaded.  Received: weights=${repr(w)}`,
        ),
        'weights',
      );
      weights = 'unknown';
    }
  }
  const is = raw('input_shape');
  let inputShape: AppArgs['inputShape'] = null;
  let inputShapeIsList = false;
  if (is !== undefined && is.kind !== 'none') {
    if (is.kind === 'unknown') inputShape = 'unknown';
    else if (is.kind === 'seq') {
      inputShapeIsList = is.list;
      const dims: Dim[] = [];
      for (const item of is.items) {
        if (item.kind === 'none' || item.kind === 'unknown') dims.push(null);
        else if (isIntLike(item)) dims.push(intValue(item));
        else {
          sink.add('invalid-layer-argument', `input_shape=${repr(is)} must hold integers or None.`, 'input_shape');
          inputShape = 'unknown';
          break;
        }
      }
      if (inputShape !== 'unknown') inputShape = dims;
    } else {
      sink.add('invalid-layer-argument', `input_shape=${repr(is)} must be a tuple such as (224, 224, 3) (no batch axis).`, 'input_shape');
      inputShape = 'unknown';
    }
  }
  const p = raw('pooling');
  const pooling = p === undefined || p.kind === 'none' ? null : p.kind === 'str' ? p.value : p.kind === 'unknown' ? 'unknown' : repr(p);
  const c = raw('classes');
  const classes = c === undefined ? 1000 : isIntLike(c) ? intValue(c) : null;
  return { includeTop, weights, inputShape, inputShapeIsList, pooling, classes, classifierActivation: raw('classifier_activation'), raw };
}

/** `weights == 'imagenet' and include_top and classes != 1000`. */
export function checkClasses(a: AppArgs, sink: FindingSink, message: string): void {
  if (a.weights === 'imagenet' && a.includeTop === true && a.classes !== null && a.classes !== 1000) {
    sink.add('invalid-layer-argument', kerasRaises(message.replace('{classes}', String(a.classes))), 'classes');
  }
}

export const CLASSES_MSG = "If using `weights='imagenet'` with `include_top=True`, `classes` should be 1000.  Received classes={classes}";

/** imagenet_utils.validate_activation: pretrained weights allow only None or softmax. */
export function validateActivation(a: AppArgs, sink: FindingSink): void {
  if (a.weights === null || a.weights === 'unknown' || a.includeTop !== true) return;
  const v = a.classifierActivation;
  if (v === undefined || v.kind === 'none' || v.kind === 'unknown') return;
  if (v.kind === 'str' && (v.value === 'softmax' || v.value === 'linear')) return;
  sink.add(
    'invalid-layer-argument',
    kerasRaises(
      `Only \`None\` and \`softmax\` activations are allowed for the \`classifier_activation\` argument when using pretrained weights, with \`include_top=True\`; Received: classifier_activation=${v.kind === 'str' ? v.value : repr(v)}`,
    ),
    'classifier_activation',
  );
}

/**
 * imagenet_utils.obtain_input_shape. Returns the input shape without the batch axis, or null
 * when Keras raises (reported) or the shape is not known.
 */
export function obtainInputShape(
  a: AppArgs,
  sink: FindingSink,
  opts: { defaultSize: number; minSize: number; format: DataFormat; requireFlatten: boolean | null },
): Dim[] | null {
  const { defaultSize, minSize, format, requireFlatten } = opts;
  if (a.inputShape === 'unknown' || a.weights === 'unknown' || requireFlatten === null) return null;
  const inputShape = a.inputShape;
  const imagenet = a.weights === 'imagenet';
  let defaultShape: Dim[];
  if (!imagenet && inputShape !== null && inputShape.length === 3) {
    defaultShape = format === 'channels_first' ? [inputShape[0] ?? null, defaultSize, defaultSize] : [defaultSize, defaultSize, inputShape[2] ?? null];
  } else {
    defaultShape = format === 'channels_first' ? [3, defaultSize, defaultSize] : [defaultSize, defaultSize, 3];
  }
  if (imagenet && requireFlatten) {
    if (inputShape !== null) {
      const differs = a.inputShapeIsList || inputShape.length !== 3 || inputShape.some((d, i) => d !== defaultShape[i]);
      if (differs) {
        sink.add(
          'invalid-layer-argument',
          kerasRaises(
            `When setting \`include_top=True\` and loading \`imagenet\` weights, \`input_shape\` should be ${tupleRepr(defaultShape)}.  Received: input_shape=${a.inputShapeIsList ? `[${inputShape.map((d) => (d === null ? 'None' : d)).join(', ')}]` : tupleRepr(inputShape)}`,
            'ValueError',
            a.inputShapeIsList && inputShape.every((d, i) => d === defaultShape[i]) ? 'The values match, but Keras compares with a tuple and a list is never equal to it: write a tuple.' : 'Use include_top=False to choose another input size.',
          ),
          'input_shape',
        );
        return null;
      }
    }
    return defaultShape;
  }
  let shape: Dim[];
  if (inputShape !== null && inputShape.length > 0) {
    if (inputShape.length !== 3) {
      sink.add('invalid-layer-argument', kerasRaises('`input_shape` must be a tuple of three integers.'), 'input_shape');
      return null;
    }
    const ch = format === 'channels_first' ? inputShape[0] : inputShape[2];
    if (imagenet && ch !== null && ch !== 3) {
      sink.add('invalid-layer-argument', kerasRaises(`The input must have 3 channels; Received \`input_shape=${tupleRepr(inputShape)}\``), 'input_shape');
      return null;
    }
    const [h, w] = format === 'channels_first' ? [inputShape[1], inputShape[2]] : [inputShape[0], inputShape[1]];
    if ((h !== null && h !== undefined && h < minSize) || (w !== null && w !== undefined && w < minSize)) {
      sink.add('invalid-layer-argument', kerasRaises(`Input size must be at least ${minSize}x${minSize}; Received: input_shape=${tupleRepr(inputShape)}`), 'input_shape');
      return null;
    }
    shape = inputShape;
  } else if (requireFlatten) {
    shape = defaultShape;
  } else {
    shape = format === 'channels_first' ? [3, null, null] : [null, null, 3];
  }
  if (requireFlatten && shape.some((d) => d === null)) {
    sink.add(
      'invalid-layer-argument',
      kerasRaises(`If \`include_top\` is True, you should specify a static \`input_shape\`. Received: input_shape=${tupleRepr(shape)}`),
      'input_shape',
    );
    return null;
  }
  return shape;
}

/** Rank and channel checks Keras makes implicitly when an input_tensor is used. */
export function inputFromTensor(tensor: Shape | null, sink: FindingSink, model: string): T {
  if (tensor === null) return null;
  if (tensor.length !== 4) {
    sink.add('rank-mismatch', `${model} needs a rank-4 image tensor (batch, height, width, channels), but input_tensor has rank ${tensor.length}: ${shapeRepr(tensor)}.`, 'input_tensor');
    return null;
  }
  return tensor;
}

/** imagenet_utils.correct_pad(inputs, kernel_size): ((k//2 - adjust_h, k//2), (k//2 - adjust_w, k//2)). */
export function correctPad(g: Graph, x: T, k: number): [[number, number], [number, number]] | null {
  const [h, w] = g.hw(x);
  const half = Math.floor(k / 2);
  const parity = (d: Dim): Dim => sub(mul(2, windowOutput(d, 1, 2, 'same')), d); // d mod 2
  // Keras: a None height means adjust = (1, 1) for both axes, whatever the width.
  if (h === null) return [[half - 1, half], [half - 1, half]];
  const ah = concrete(sub(1, parity(h)));
  const aw = w === null ? null : concrete(sub(1, parity(w)));
  if (ah === null || aw === null) {
    const note =
      'correct_pad reads the height and width together: with a known height and a None width Keras raises TypeError ' +
      "(unsupported operand type(s) for %: 'NoneType' and 'int'); give both sizes or neither";
    if (!g.notes.includes(note)) g.notes.push(note);
    return null;
  }
  return [[half - ah, half], [half - aw, half]];
}

/** The classification top (GAP → Dense) or the pooling, as most applications write it. */
export function topOrPooling(g: Graph, x: T, a: AppArgs, sink: FindingSink, names: { gap?: string; gmp?: string; dense?: string } = {}): T {
  if (a.includeTop === true) {
    validateActivation(a, sink);
    const p = g.layer('GlobalAveragePooling2D', {}, x, names.gap);
    return g.layer('Dense', { units: a.classes ?? UNK }, p, names.dense ?? 'predictions');
  }
  return pooling(g, x, a, names);
}

export function pooling(g: Graph, x: T, a: AppArgs, names: { gap?: string; gmp?: string } = {}): T {
  if (a.pooling === 'avg') return g.layer('GlobalAveragePooling2D', {}, x, names.gap);
  if (a.pooling === 'max') return g.layer('GlobalMaxPooling2D', {}, x, names.gmp);
  if (a.pooling === 'unknown') return null;
  return x;
}

/** Python's `int(v + d / 2) // d * d` with the 10% rule (MobileNet _make_divisible, _depth, EfficientNet round_filters). */
export function makeDivisible(v: number, divisor = 8, minValue?: number, tenPercent = true): number {
  const min = minValue ?? divisor;
  let nv = Math.max(min, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor);
  if (tenPercent && nv < 0.9 * v) nv += divisor;
  return nv;
}
