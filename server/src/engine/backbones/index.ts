// keras.applications.* as engine functions. Each network is built from its Keras source's layer
// sequence over the engine's own layers (graph.ts), so every spatial size follows the exact
// padding/stride arithmetic, for any input size (unknown sizes stay unknown), in either data
// format. The constructor's own checks (weights/classes, obtain_input_shape's default shape,
// minimum size and static shape for include_top, the per-network argument checks) are findings.
import type { DataFormat, EngineOptions, Finding, LayerCall, LayerResult, PyValue, Shape } from '../types';
import { FindingSink, kerasRaises } from '../findings';
import { shapeRepr, tupleRepr } from '../py';
import { applyLayer } from '../index';
import { differ } from '../known';
import { Graph, type T } from './graph';
import { CLASSES_MSG, checkClasses, inputFromTensor, obtainInputShape, pooling, readAppArgs, topOrPooling, validateActivation, type AppArgs } from './common';
import { mobilenetV1, mobilenetV2, mobilenetV3, resnet, type ResNetStacks } from './nets-a';
import { efficientnet, efficientnetV2 } from './nets-b';
import { convnext, densenet, inceptionResNetV2, inceptionV3, nasnet, vgg, vggTop, xception } from './nets-c';
import { truthy } from '../layers/seq-common';
import { intValue, isIntLike } from '../py';

export interface BackboneResult {
  /** The model's output (`model.output`, or `model(x)` when called): shape, steps, findings. */
  result: LayerResult;
  /** The model's input shape (`model.input.shape`), batch axis included. */
  input: Shape | null;
  /** `model.get_layer(name).output` for every layer the Keras source names. */
  namedOutputs: Record<string, Shape | null>;
  /** The Keras model name (`model.name`). */
  modelName: string;
}

interface Build {
  g: Graph;
  a: AppArgs;
  sink: FindingSink;
  format: DataFormat;
  steps: string[];
}

interface NetDef {
  name: string;
  signature: string[];
  /** model.name as Keras sets it (some depend on arguments). */
  modelName: (a: AppArgs) => string;
  defaultSize: number;
  minSize: number;
  /** Rejects channels_first (DenseNet, ConvNeXt). */
  lastOnly?: boolean;
  classesMsg?: string;
  /** Replaces obtain_input_shape (MobileNets, NASNetMobile's defaults). */
  inputShape?: (b: Build, tensor: Shape | null | undefined) => (Shape[number])[] | null;
  /** Extra argument checks before building. */
  check?: (b: Build) => void;
  body: (b: Build, x: T) => T;
  /** The top and pooling; default GAP 'avg_pool' + Dense 'predictions' / 'avg_pool' / 'max_pool'. */
  top?: (b: Build, x: T) => T;
}

const APP = ['include_top', 'weights', 'input_tensor', 'input_shape', 'pooling', 'classes', 'classifier_activation', 'name'];
const APP_PRE = ['include_top', 'weights', 'input_tensor', 'input_shape', 'pooling', 'classes', 'classifier_activation', 'include_preprocessing', 'name'];

function num(v: PyValue | undefined, fallback: number): number | null {
  if (v === undefined) return fallback;
  if (v.kind === 'int' || v.kind === 'float') return v.value;
  if (v.kind === 'bool') return v.value ? 1 : 0;
  return null;
}

function flagArg(a: AppArgs, name: string, fallback: boolean): boolean | null {
  const v = a.raw(name);
  return v === undefined ? fallback : truthy(v);
}

const defaultTop = (names: { gap?: string; gmp?: string } = { gap: 'avg_pool', gmp: 'max_pool' }) =>
  (b: Build, x: T): T => topOrPooling(b.g, x, b.a, b.sink, names);

// --------------------------------------------------------------------------------- the zoo

function resnetDef(name: string, modelName: string, v2: boolean, stacks: ResNetStacks): NetDef {
  return {
    name,
    signature: APP,
    modelName: () => modelName,
    defaultSize: 224,
    minSize: 32,
    body: (b, x) => resnet(b.g, x, v2, stacks),
    top: defaultTop(),
  };
}

const V1: ResNetStacks = [
  [64, 3, 1],
  [128, 4, 2],
  [256, 6, 2],
  [512, 3, 2],
];
const V2 = (c3: number, c4: number): ResNetStacks => [
  [64, 3, 2],
  [128, c3, 2],
  [256, c4, 2],
  [512, 3, 1],
];

/** MobileNet v1/v2: default_size is the input size when it is square and one of the trained sizes. */
function mobileDefaultSize(a: AppArgs, format: DataFormat, sizes: number[]): number {
  if (a.inputShape === null || a.inputShape === 'unknown') return 224;
  const [r, c] = format === 'channels_first' ? [a.inputShape[1], a.inputShape[2]] : [a.inputShape[0], a.inputShape[1]];
  return r === c && r !== null && r !== undefined && sizes.includes(r) ? r : 224;
}

const MOBILENET: NetDef = {
  name: 'MobileNet',
  signature: ['input_shape', 'alpha', 'depth_multiplier', 'dropout', 'include_top', 'weights', 'input_tensor', 'pooling', 'classes', 'classifier_activation', 'name'],
  modelName: (a) => `mobilenet_${(num(a.raw('alpha'), 1) ?? 1).toFixed(2)}_${typeof a.inputShape === 'object' && a.inputShape ? (a.inputShape[0] ?? 224) : 224}`,
  defaultSize: 224,
  minSize: 32,
  classesMsg: 'If using `weights="imagenet"` with `include_top=True`, `classes` should be 1000.  Received classes={classes}',
  inputShape: (b) => obtainInputShape(b.a, b.sink, { defaultSize: mobileDefaultSize(b.a, b.format, [128, 160, 192, 224]), minSize: 32, format: b.format, requireFlatten: b.a.includeTop }),
  check: (b) => {
    if (b.a.weights !== 'imagenet') return;
    const dm = num(b.a.raw('depth_multiplier'), 1);
    if (dm !== null && dm !== 1) {
      b.sink.add('invalid-layer-argument', kerasRaises(`If imagenet weights are being loaded, depth multiplier must be 1.  Received depth_multiplier=${dm}`), 'depth_multiplier');
    }
    const alpha = num(b.a.raw('alpha'), 1);
    if (alpha !== null && ![0.25, 0.5, 0.75, 1.0].includes(alpha)) {
      b.sink.add('invalid-layer-argument', kerasRaises(`If imagenet weights are being loaded, alpha can be one of\`0.25\`, \`0.50\`, \`0.75\` or \`1.0\` only.  Received alpha=${alpha}`), 'alpha');
    }
  },
  body: (b, x) => {
    const alpha = num(b.a.raw('alpha'), 1);
    const dm = b.a.raw('depth_multiplier');
    const depthMultiplier = dm === undefined ? 1 : isIntLike(dm) ? intValue(dm) : null;
    if (alpha === null || depthMultiplier === null) return null;
    return mobilenetV1(b.g, x, alpha, depthMultiplier);
  },
  top: (b, x) => {
    const { g, a } = b;
    if (a.includeTop !== true) return pooling(g, x, a);
    validateActivation(a, b.sink);
    x = g.layer('GlobalAveragePooling2D', { keepdims: true }, x);
    x = g.keep(x, 'dropout');
    x = g.layer('Conv2D', { filters: a.classes, kernel_size: [1, 1], padding: 'same' }, x, 'conv_preds');
    x = g.layer('Reshape', { target_shape: [a.classes] }, x, 'reshape_2');
    return g.keep(x, 'predictions');
  },
};

const MOBILENET_V2: NetDef = {
  name: 'MobileNetV2',
  signature: ['input_shape', 'alpha', 'include_top', 'weights', 'input_tensor', 'pooling', 'classes', 'classifier_activation', 'name'],
  modelName: (a) => `mobilenetv2_${(num(a.raw('alpha'), 1) ?? 1).toFixed(2)}_${typeof a.inputShape === 'object' && a.inputShape ? (a.inputShape[0] ?? 224) : 224}`,
  defaultSize: 224,
  minSize: 32,
  inputShape: (b, tensor) => {
    let size = mobileDefaultSize(b.a, b.format, [96, 128, 160, 192, 224]);
    if (b.a.inputShape === null && tensor) {
      const [r, c] = b.format === 'channels_first' ? [tensor[2], tensor[3]] : [tensor[1], tensor[2]];
      size = r === c && r !== null && r !== undefined && [96, 128, 160, 192, 224].includes(r) ? r : 224;
    }
    return obtainInputShape(b.a, b.sink, { defaultSize: size, minSize: 32, format: b.format, requireFlatten: b.a.includeTop });
  },
  check: (b) => {
    if (b.a.weights !== 'imagenet') return;
    const alpha = num(b.a.raw('alpha'), 1);
    if (alpha !== null && ![0.35, 0.5, 0.75, 1.0, 1.3, 1.4].includes(alpha)) {
      b.sink.add(
        'invalid-layer-argument',
        kerasRaises(`If imagenet weights are being loaded, alpha must be one of \`0.35\`, \`0.50\`, \`0.75\`, \`1.0\`, \`1.3\` or \`1.4\` only; Received \`alpha=${alpha}\``),
        'alpha',
      );
    }
  },
  body: (b, x) => {
    const alpha = num(b.a.raw('alpha'), 1);
    return alpha === null ? null : mobilenetV2(b.g, x, alpha);
  },
  top: defaultTop({}),
};

function mobilenetV3Def(name: string, large: boolean): NetDef {
  return {
    name,
    signature: ['input_shape', 'alpha', 'minimalistic', 'include_top', 'weights', 'input_tensor', 'classes', 'pooling', 'dropout_rate', 'classifier_activation', 'include_preprocessing', 'name'],
    modelName: () => name,
    defaultSize: 224,
    minSize: 32,
    classesMsg: 'If using `weights="imagenet"` with `include_top` as true, `classes` should be 1000.  Received classes={classes}',
    inputShape: (b, tensor) => {
      // MobileNetV3 does not call obtain_input_shape: (None, None, 3) unless given.
      let shape = b.a.inputShape === 'unknown' ? null : b.a.inputShape;
      if (shape === null && tensor) {
        const [r, c] = b.format === 'channels_first' ? [tensor[2], tensor[3]] : [tensor[1], tensor[2]];
        shape = b.format === 'channels_first' ? [3, c ?? null, r ?? null] : [c ?? null, r ?? null, 3];
      }
      if (shape === null) shape = b.format === 'channels_first' ? [3, null, null] : [null, null, 3];
      const [r, c] = b.format === 'channels_first' ? [shape[1], shape[2]] : [shape[0], shape[1]];
      if (r && c && (r < 32 || c < 32)) {
        b.sink.add('invalid-layer-argument', kerasRaises(`Input size must be at least 32x32; Received \`input_shape=${tupleRepr(shape)}\``), 'input_shape');
        return null;
      }
      return shape;
    },
    check: (b) => {
      if (b.a.weights !== 'imagenet') return;
      const alpha = num(b.a.raw('alpha'), 1);
      const minimalistic = flagArg(b.a, 'minimalistic', false);
      if (alpha !== null && minimalistic !== null && ((!minimalistic && ![0.75, 1.0].includes(alpha)) || (minimalistic && alpha !== 1.0))) {
        b.sink.add(
          'invalid-layer-argument',
          kerasRaises('If imagenet weights are being loaded, alpha can be one of `0.75`, `1.0` for non minimalistic or `1.0` for minimalistic only.'),
          'alpha',
        );
      }
    },
    body: (b, x) => {
      const alpha = num(b.a.raw('alpha'), 1);
      const minimalistic = flagArg(b.a, 'minimalistic', false);
      if (alpha === null || minimalistic === null) return null;
      return mobilenetV3(b.g, x, large, alpha, minimalistic);
    },
    top: (b, x) => {
      const { g, a } = b;
      if (a.includeTop !== true) return pooling(g, x, a, { gap: 'avg_pool', gmp: 'max_pool' });
      const alpha = num(a.raw('alpha'), 1) ?? 1;
      let last = large ? 1280 : 1024;
      if (alpha > 1.0) last = Math.max(8, Math.floor(Math.trunc(last * alpha + 4) / 8) * 8);
      x = g.layer('GlobalAveragePooling2D', { keepdims: true }, x);
      x = g.layer('Conv2D', { filters: last, kernel_size: 1, padding: 'same' }, x, 'conv_2');
      x = g.layer('Conv2D', { filters: a.classes, kernel_size: 1, padding: 'same' }, x, 'logits');
      x = g.layer('Flatten', {}, x);
      validateActivation(a, b.sink);
      return g.keep(x, 'predictions');
    },
  };
}

const EFF_V1: [string, number, number, number][] = [
  ['B0', 1.0, 1.0, 224],
  ['B1', 1.0, 1.1, 240],
  ['B2', 1.1, 1.2, 260],
  ['B3', 1.2, 1.4, 300],
  ['B4', 1.4, 1.8, 380],
  ['B5', 1.6, 2.2, 456],
  ['B6', 1.8, 2.6, 528],
  ['B7', 2.0, 3.1, 600],
];

const EFF_V2: [string, string, number, number, number][] = [
  ['B0', 'b0', 1.0, 1.0, 224],
  ['B1', 'b1', 1.0, 1.1, 240],
  ['B2', 'b2', 1.1, 1.2, 260],
  ['B3', 'b3', 1.2, 1.4, 300],
  ['S', 's', 1.0, 1.0, 384],
  ['M', 'm', 1.0, 1.0, 480],
  ['L', 'l', 1.0, 1.0, 480],
];

const DEFS: NetDef[] = [
  resnetDef('ResNet50', 'resnet50', false, V1),
  resnetDef('ResNet101', 'resnet101', false, [
    [64, 3, 1],
    [128, 4, 2],
    [256, 23, 2],
    [512, 3, 2],
  ]),
  resnetDef('ResNet152', 'resnet152', false, [
    [64, 3, 1],
    [128, 8, 2],
    [256, 36, 2],
    [512, 3, 2],
  ]),
  resnetDef('ResNet50V2', 'resnet50v2', true, V2(4, 6)),
  resnetDef('ResNet101V2', 'resnet101v2', true, V2(4, 23)),
  resnetDef('ResNet152V2', 'resnet152v2', true, V2(8, 36)),
  MOBILENET,
  MOBILENET_V2,
  mobilenetV3Def('MobileNetV3Small', false),
  mobilenetV3Def('MobileNetV3Large', true),
  ...EFF_V1.map(
    ([v, w, d, size]): NetDef => ({
      name: `EfficientNet${v}`,
      signature: APP.slice(0, -1),
      modelName: () => `efficientnet${v.toLowerCase()}`,
      defaultSize: size,
      minSize: 32,
      classesMsg: 'If using `weights="imagenet"` with `include_top` as true, `classes` should be 1000',
      body: (b, x) => efficientnet(b.g, x, w, d, b.a.weights === 'imagenet'),
      top: defaultTop(),
    }),
  ),
  ...EFF_V2.map(
    ([v, key, w, d, size]): NetDef => ({
      name: `EfficientNetV2${v}`,
      signature: APP_PRE,
      modelName: () => `efficientnetv2-${key}`,
      defaultSize: size,
      minSize: 32,
      classesMsg: 'If using `weights="imagenet"` with `include_top` as true, `classes` should be 1000',
      body: (b, x) => efficientnetV2(b.g, x, key, w, d),
      top: defaultTop(),
    }),
  ),
  {
    name: 'VGG16',
    signature: APP,
    modelName: () => 'vgg16',
    defaultSize: 224,
    minSize: 32,
    body: (b, x) => vgg(b.g, x, [2, 2, 3, 3, 3]),
    top: (b, x) => (b.a.includeTop === true ? (validateActivation(b.a, b.sink), vggTop(b.g, x, b.a.classes)) : pooling(b.g, x, b.a)),
  },
  {
    name: 'VGG19',
    signature: APP,
    modelName: () => 'vgg19',
    defaultSize: 224,
    minSize: 32,
    body: (b, x) => vgg(b.g, x, [2, 2, 4, 4, 4]),
    top: (b, x) => (b.a.includeTop === true ? (validateActivation(b.a, b.sink), vggTop(b.g, x, b.a.classes)) : pooling(b.g, x, b.a)),
  },
  { name: 'Xception', signature: APP, modelName: () => 'xception', defaultSize: 299, minSize: 71, body: (b, x) => xception(b.g, x), top: defaultTop({ gap: 'avg_pool' }) },
  { name: 'InceptionV3', signature: APP, modelName: () => 'inception_v3', defaultSize: 299, minSize: 75, body: (b, x) => inceptionV3(b.g, x), top: defaultTop({ gap: 'avg_pool' }) },
  {
    name: 'InceptionResNetV2',
    signature: APP,
    modelName: () => 'inception_resnet_v2',
    defaultSize: 299,
    minSize: 75,
    body: (b, x) => inceptionResNetV2(b.g, x),
    top: defaultTop({ gap: 'avg_pool' }),
  },
  ...(
    [
      ['DenseNet121', [6, 12, 24, 16]],
      ['DenseNet169', [6, 12, 32, 32]],
      ['DenseNet201', [6, 12, 48, 32]],
    ] as [string, number[]][]
  ).map(
    ([name, blocks]): NetDef => ({
      name,
      signature: APP.slice(0, -1),
      modelName: () => name.toLowerCase(),
      defaultSize: 224,
      minSize: 32,
      lastOnly: true,
      classesMsg: 'If using `weights` as `"imagenet"` with `include_top` as true, `classes` should be 1000',
      body: (b, x) => densenet(b.g, x, blocks),
      top: defaultTop(),
    }),
  ),
  ...['Tiny', 'Small', 'Base', 'Large', 'XLarge'].map(
    (v): NetDef => ({
      name: `ConvNeXt${v}`,
      signature: ['include_top', 'include_preprocessing', 'weights', 'input_tensor', 'input_shape', 'pooling', 'classes', 'classifier_activation', 'name'],
      modelName: () => `convnext_${v.toLowerCase()}`,
      defaultSize: 224,
      minSize: 32,
      lastOnly: true,
      body: (b, x) => convnext(b.g, x, v.toLowerCase(), `convnext_${v.toLowerCase()}`),
      top: (b, x) => {
        const { g, a } = b;
        const nm = `convnext_${v.toLowerCase()}`;
        if (a.includeTop === true) {
          validateActivation(a, b.sink);
          x = g.layer('GlobalAveragePooling2D', {}, x, `${nm}_head_gap`);
          x = g.keep(x, `${nm}_head_layernorm`);
          return g.layer('Dense', { units: a.classes }, x, `${nm}_head_dense`);
        }
        return g.keep(pooling(g, x, a));
      },
    }),
  ),
  ...(
    [
      ['NASNetMobile', { penultimate: 1056, blocks: 4, stem: 32, skipReduction: false, multiplier: 2 }, 224],
      ['NASNetLarge', { penultimate: 4032, blocks: 6, stem: 96, skipReduction: true, multiplier: 2 }, 331],
    ] as [string, Parameters<typeof nasnet>[2], number][]
  ).map(
    ([name, cfg, size]): NetDef => ({
      name,
      signature: ['input_shape', 'include_top', 'weights', 'input_tensor', 'pooling', 'classes', 'classifier_activation'],
      modelName: () => 'NASNet',
      defaultSize: size,
      minSize: 32,
      classesMsg: 'If using `weights` as `"imagenet"` with `include_top` as true, `classes` should be 1000',
      inputShape: (b) => {
        const a = b.a;
        if (name === 'NASNetMobile' && a.includeTop === false && a.inputShape === null) {
          a.inputShape = [224, 224, 3];
          b.steps.push('NASNetMobile without include_top and input_shape uses input_shape=(224, 224, 3).');
        }
        if (a.inputShape !== null && a.inputShape !== 'unknown' && !a.inputShapeIsList && a.inputShape.includes(null) && a.weights === 'imagenet') {
          b.sink.add(
            'invalid-layer-argument',
            kerasRaises(
              `When specifying the input shape of a NASNet and loading \`ImageNet\` weights, the input_shape argument must be static (no None entries). Got: \`input_shape=${tupleRepr(a.inputShape)}\``,
            ),
            'input_shape',
          );
          return null;
        }
        if (b.format === 'channels_first') b.steps.push('NASNet warns that it is only available for channels_last.');
        return obtainInputShape(a, b.sink, { defaultSize: size, minSize: 32, format: b.format, requireFlatten: a.includeTop });
      },
      body: (b, x) => nasnet(b.g, x, cfg),
      top: defaultTop({}),
    }),
  ),
];

const BY_NAME = new Map(DEFS.map((d) => [d.name, d]));

/** 'ResNet50', 'keras.applications.ResNet50', 'tf.keras.applications.resnet50.ResNet50' → the definition. */
function lookup(name: string): NetDef | undefined {
  const last = name.split('.').pop() ?? name;
  return BY_NAME.get(last);
}

export function isBackbone(name: string): boolean {
  return lookup(name) !== undefined;
}

/** Positional parameters of the application function, in Keras 3's order; [] when unknown. */
export function backboneSignature(name: string): readonly string[] {
  return lookup(name)?.signature ?? [];
}

export function supportedBackbones(): string[] {
  return DEFS.map((d) => d.name);
}

const apply = (call: LayerCall, inputs: T[], options: EngineOptions): LayerResult => applyLayer(call, inputs, options);

const CACHE = new Map<string, BackboneResult>();
const CACHE_SIZE = 64;

/**
 * Builds `keras.applications.<name>(**args)`. `inputTensor` is the shape of the `input_tensor=`
 * argument (undefined when not passed, null when its shape is unknown). With `call`, the result
 * describes `model(x)` for an `x` of that shape (checked against the model's input as Keras'
 * Functional input spec does). Never throws.
 */
export function applyBackbone(
  name: string,
  args: Record<string, PyValue>,
  inputTensor: Shape | null | undefined,
  options: EngineOptions,
  call?: Shape | null,
): BackboneResult {
  const key = JSON.stringify([name, args, inputTensor === undefined ? 'none' : inputTensor, options.defaultDataFormat, call === undefined ? 'none' : call]);
  const hit = CACHE.get(key);
  if (hit) return structuredClone(hit);
  let r: BackboneResult;
  try {
    r = build(name, args, inputTensor, options, call);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    r = { result: { output: null, axes: [], steps: [], findings: [], unknownReason: `internal error while building ${name}: ${why}` }, input: null, namedOutputs: {}, modelName: name };
  }
  CACHE.set(key, r);
  if (CACHE.size > CACHE_SIZE) CACHE.delete(CACHE.keys().next().value as string);
  return structuredClone(r);
}

function fail(steps: string[], sink: FindingSink, reason: string, modelName: string, input: Shape | null = null): BackboneResult {
  steps.push('Output shape unknown.');
  return { result: { output: null, axes: [], steps, findings: sink.list(), unknownReason: reason }, input, namedOutputs: {}, modelName };
}

function build(name: string, args: Record<string, PyValue>, inputTensor: Shape | null | undefined, options: EngineOptions, call: Shape | null | undefined): BackboneResult {
  const def = lookup(name);
  const sink = new FindingSink();
  const steps: string[] = [];
  if (!def) return fail([`${name} is not a keras.applications model Shapewise knows.`], sink, `${name} is not a keras.applications model Shapewise knows`, name);
  const format = options.defaultDataFormat;
  const defaults: { weights?: 'imagenet' | null } = {};
  const a = readAppArgs(args, sink, defaults);
  const modelName = def.modelName(a);
  steps.push(
    `${def.name}(include_top=${a.includeTop === null ? 'unknown' : a.includeTop ? 'True' : 'False'}, weights=${a.weights === null ? 'None' : a.weights === 'imagenet' ? "'imagenet'" : a.weights === 'path' ? 'a weights file' : 'unknown'}` +
      `${a.includeTop === false ? `, pooling=${a.pooling === null ? 'None' : `'${a.pooling}'`}` : `, classes=${a.classes ?? 'unknown'}`}), image_data_format=${format}.`,
  );
  if (def.lastOnly && format === 'channels_first') {
    sink.add(
      'invalid-layer-argument',
      kerasRaises(`${def.name.startsWith('DenseNet') ? 'DenseNet' : 'ConvNeXt'} does not support the \`channels_first\` image data format. Switch to \`channels_last\` by editing your local config file at ~/.keras/keras.json`),
    );
    return fail(steps, sink, `${def.name} does not support channels_first`, modelName);
  }
  checkClasses(a, sink, def.classesMsg ?? CLASSES_MSG);
  const b: Build = { g: new Graph(options, format, apply), a, sink, format, steps };
  def.check?.(b);
  const shape = def.inputShape ? def.inputShape(b, inputTensor) : obtainInputShape(a, sink, { defaultSize: def.defaultSize, minSize: def.minSize, format, requireFlatten: a.includeTop });
  // The model's input: input_tensor when given, else Input(shape=input_shape).
  let modelInput: T;
  if (inputTensor !== undefined) {
    modelInput = inputFromTensor(inputTensor, sink, def.name);
    steps.push(`input_tensor ${inputTensor === null ? 'of unknown shape' : shapeRepr(inputTensor)} is the model input.`);
  } else {
    modelInput = shape === null ? null : [null, ...shape];
    if (modelInput !== null) steps.push(`Input shape ${shapeRepr(modelInput)}${a.inputShape === null ? ' (input_shape=None: the default for these arguments)' : ''}.`);
  }
  if (sink.list().some((f) => f.code === 'invalid-layer-argument' || f.code === 'rank-mismatch')) {
    return fail(steps, sink, `Keras raises while building ${def.name}`, modelName, modelInput);
  }
  if (a.includeTop === null || a.pooling === 'unknown') {
    return fail(steps, sink, a.includeTop === null ? 'include_top is not known' : 'pooling is not known', modelName, modelInput);
  }
  // model(x): Keras checks x against the model's input spec, then runs the graph on x.
  let x: T = modelInput;
  if (call !== undefined) {
    if (call !== null && modelInput !== null) {
      const spec = [null, ...modelInput.slice(1)];
      if (call.length !== spec.length) {
        sink.add('rank-mismatch', kerasRaises(`Input 0 of layer "${modelName}" is incompatible with the layer: expected shape=${shapeRepr(spec)}, found shape=${shapeRepr(call)}`));
        return fail(steps, sink, 'the call input has the wrong rank', modelName, modelInput);
      }
      if (spec.some((d, i) => differ(d, call[i]))) {
        sink.add('shape-mismatch', kerasRaises(`Input 0 of layer "${modelName}" is incompatible with the layer: expected shape=${shapeRepr(spec)}, found shape=${shapeRepr(call)}`));
        return fail(steps, sink, 'the call input does not match the model input', modelName, modelInput);
      }
    }
    x = call === null ? null : call.map((d, i) => d ?? (i === 0 ? null : (modelInput?.[i] ?? null)));
    steps.push(`Called on ${call === null ? 'an input of unknown shape' : shapeRepr(call)}.`);
  }
  const g = b.g;
  g.record('input_layer', x);
  let out = def.body(b, x);
  out = (def.top ?? defaultTop())(b, out);
  const namedOutputs: Record<string, Shape | null> = Object.fromEntries(g.named);
  if (g.failure) {
    const f = g.failure;
    sink.add(
      f.finding.code,
      `${def.name} cannot be built for this input: layer '${f.layer}' fails. ${f.finding.message}`,
      f.finding.code === 'invalid-layer-argument' ? 'input_shape' : undefined,
    );
    return { ...fail(steps, sink, `layer '${f.layer}' of ${def.name} fails for this input`, modelName, modelInput), namedOutputs };
  }
  steps.push(`${g.layers} layers applied with Keras' exact padding and strides.`);
  steps.push(out === null ? 'Output shape unknown.' : `Output shape ${shapeRepr(out)}.`);
  const findings: Finding[] = sink.list();
  const result: LayerResult = { output: out, axes: [], steps, findings };
  for (const n of g.notes) steps.splice(steps.length - 1, 0, `${n}.`);
  if (out === null) result.unknownReason = x === null ? 'the input shape is not known' : (g.notes[0] ?? 'a size the network depends on is not known');
  else if (out.slice(1).some((d) => d === null)) result.unknownReason = 'some input dimensions are not known';
  return { result, input: modelInput, namedOutputs, modelName };
}

export type { AppArgs };
