// ResNet (v1, v2) and the MobileNets (v1, v2, v3), written as the layer sequences of
// keras/src/applications/resnet.py, mobilenet.py, mobilenet_v2.py and mobilenet_v3.py.
import { UNK, type Graph, type T } from './graph';
import { correctPad, makeDivisible } from './common';

// ------------------------------------------------------------------------------------- ResNet

function blockV1(g: Graph, x: T, filters: number, stride: number, convShortcut: boolean, name: string): T {
  let shortcut = x;
  if (convShortcut) {
    shortcut = g.layer('Conv2D', { filters: 4 * filters, kernel_size: 1, strides: stride }, x, `${name}_0_conv`);
    shortcut = g.keep(shortcut, `${name}_0_bn`);
  }
  let y = g.layer('Conv2D', { filters, kernel_size: 1, strides: stride }, x, `${name}_1_conv`);
  y = g.keep(g.keep(y, `${name}_1_bn`), `${name}_1_relu`);
  y = g.layer('Conv2D', { filters, kernel_size: 3, padding: 'SAME' }, y, `${name}_2_conv`);
  y = g.keep(g.keep(y, `${name}_2_bn`), `${name}_2_relu`);
  y = g.layer('Conv2D', { filters: 4 * filters, kernel_size: 1 }, y, `${name}_3_conv`);
  y = g.keep(y, `${name}_3_bn`);
  y = g.add([shortcut, y], `${name}_add`);
  return g.keep(y, `${name}_out`);
}

function blockV2(g: Graph, x: T, filters: number, stride: number, convShortcut: boolean, name: string): T {
  const preact = g.keep(g.keep(x, `${name}_preact_bn`), `${name}_preact_relu`);
  let shortcut: T;
  if (convShortcut) shortcut = g.layer('Conv2D', { filters: 4 * filters, kernel_size: 1, strides: stride }, preact, `${name}_0_conv`);
  else shortcut = stride > 1 ? g.layer('MaxPooling2D', { pool_size: 1, strides: stride }, x) : x;
  let y = g.layer('Conv2D', { filters, kernel_size: 1, strides: 1, use_bias: false }, preact, `${name}_1_conv`);
  y = g.keep(g.keep(y, `${name}_1_bn`), `${name}_1_relu`);
  y = g.layer('ZeroPadding2D', { padding: [[1, 1], [1, 1]] }, y, `${name}_2_pad`);
  y = g.layer('Conv2D', { filters, kernel_size: 3, strides: stride, use_bias: false }, y, `${name}_2_conv`);
  y = g.keep(g.keep(y, `${name}_2_bn`), `${name}_2_relu`);
  y = g.layer('Conv2D', { filters: 4 * filters, kernel_size: 1 }, y, `${name}_3_conv`);
  return g.add([shortcut, y], `${name}_out`);
}

/** [filters, blocks, stride1] per stage, conv2..conv5. */
export type ResNetStacks = [number, number, number][];

export function resnet(g: Graph, x: T, v2: boolean, stacks: ResNetStacks): T {
  x = g.layer('ZeroPadding2D', { padding: [[3, 3], [3, 3]] }, x, 'conv1_pad');
  x = g.layer('Conv2D', { filters: 64, kernel_size: 7, strides: 2 }, x, 'conv1_conv');
  if (!v2) x = g.keep(g.keep(x, 'conv1_bn'), 'conv1_relu');
  x = g.layer('ZeroPadding2D', { padding: [[1, 1], [1, 1]] }, x, 'pool1_pad');
  x = g.layer('MaxPooling2D', { pool_size: 3, strides: 2 }, x, 'pool1_pool');
  stacks.forEach(([filters, blocks, stride1], i) => {
    const name = `conv${i + 2}`;
    if (!v2) {
      x = blockV1(g, x, filters, stride1, true, `${name}_block1`);
      for (let b = 2; b <= blocks; b++) x = blockV1(g, x, filters, 1, false, `${name}_block${b}`);
    } else {
      x = blockV2(g, x, filters, 1, true, `${name}_block1`);
      for (let b = 2; b < blocks; b++) x = blockV2(g, x, filters, 1, false, `${name}_block${b}`);
      x = blockV2(g, x, filters, stride1, false, `${name}_block${blocks}`);
    }
  });
  if (v2) x = g.keep(g.keep(x, 'post_bn'), 'post_relu');
  return x;
}

// ---------------------------------------------------------------------------------- MobileNet

export function mobilenetV1(g: Graph, x: T, alpha: number, depthMultiplier: number): T {
  x = g.layer('Conv2D', { filters: Math.trunc(32 * alpha), kernel_size: 3, padding: 'same', use_bias: false, strides: 2 }, x, 'conv1');
  x = g.keep(g.keep(x, 'conv1_bn'), 'conv1_relu');
  const blocks: [number, number][] = [
    [64, 1],
    [128, 2],
    [128, 1],
    [256, 2],
    [256, 1],
    [512, 2],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [1024, 2],
    [1024, 1],
  ];
  blocks.forEach(([pw, stride], i) => {
    const id = i + 1;
    if (stride !== 1) x = g.layer('ZeroPadding2D', { padding: [[0, 1], [0, 1]] }, x, `conv_pad_${id}`);
    x = g.layer(
      'DepthwiseConv2D',
      { kernel_size: 3, padding: stride === 1 ? 'same' : 'valid', depth_multiplier: depthMultiplier, strides: stride, use_bias: false },
      x,
      `conv_dw_${id}`,
    );
    x = g.keep(g.keep(x, `conv_dw_${id}_bn`), `conv_dw_${id}_relu`);
    x = g.layer('Conv2D', { filters: Math.trunc(pw * alpha), kernel_size: 1, padding: 'same', use_bias: false, strides: 1 }, x, `conv_pw_${id}`);
    x = g.keep(g.keep(x, `conv_pw_${id}_bn`), `conv_pw_${id}_relu`);
  });
  return x;
}

function invertedResV2(g: Graph, inputs: T, expansion: number, stride: number, alpha: number, filters: number, blockId: number): T {
  const inC = g.channels(inputs);
  const pointwise = makeDivisible(Math.trunc(filters * alpha), 8);
  let x = inputs;
  let prefix = `block_${blockId}_`;
  if (blockId) {
    x = g.layer('Conv2D', { filters: inC === null ? UNK : expansion * (inC as number), kernel_size: 1, padding: 'same', use_bias: false }, x, `${prefix}expand`);
    x = g.keep(g.keep(x, `${prefix}expand_BN`), `${prefix}expand_relu`);
  } else prefix = 'expanded_conv_';
  if (stride === 2) {
    const pad = correctPad(g, x, 3);
    x = pad === null ? null : g.layer('ZeroPadding2D', { padding: pad }, x, `${prefix}pad`);
  }
  x = g.layer('DepthwiseConv2D', { kernel_size: 3, strides: stride, use_bias: false, padding: stride === 1 ? 'same' : 'valid' }, x, `${prefix}depthwise`);
  x = g.keep(g.keep(x, `${prefix}depthwise_BN`), `${prefix}depthwise_relu`);
  x = g.layer('Conv2D', { filters: pointwise, kernel_size: 1, padding: 'same', use_bias: false }, x, `${prefix}project`);
  x = g.keep(x, `${prefix}project_BN`);
  if (inC === pointwise && stride === 1) return g.add([inputs, x], `${prefix}add`);
  return x;
}

export function mobilenetV2(g: Graph, x: T, alpha: number): T {
  x = g.layer('Conv2D', { filters: makeDivisible(32 * alpha, 8), kernel_size: 3, strides: 2, padding: 'same', use_bias: false }, x, 'Conv1');
  x = g.keep(g.keep(x, 'bn_Conv1'), 'Conv1_relu');
  const blocks: [number, number, number][] = [
    [16, 1, 1],
    [24, 2, 6],
    [24, 1, 6],
    [32, 2, 6],
    [32, 1, 6],
    [32, 1, 6],
    [64, 2, 6],
    [64, 1, 6],
    [64, 1, 6],
    [64, 1, 6],
    [96, 1, 6],
    [96, 1, 6],
    [96, 1, 6],
    [160, 2, 6],
    [160, 1, 6],
    [160, 1, 6],
    [320, 1, 6],
  ];
  blocks.forEach(([filters, stride, expansion], id) => (x = invertedResV2(g, x, expansion, stride, alpha, filters, id)));
  const last = alpha > 1.0 ? makeDivisible(1280 * alpha, 8) : 1280;
  x = g.layer('Conv2D', { filters: last, kernel_size: 1, use_bias: false }, x, 'Conv_1');
  return g.keep(g.keep(x, 'Conv_1_bn'), 'out_relu');
}

type V3Block = [expansion: number, filters: number, kernel: number | 'k', stride: number, se: boolean, activation: 'relu' | 'act'];

const V3_SMALL: V3Block[] = [
  [1, 16, 3, 2, true, 'relu'],
  [72.0 / 16, 24, 3, 2, false, 'relu'],
  [88.0 / 24, 24, 3, 1, false, 'relu'],
  [4, 40, 'k', 2, true, 'act'],
  [6, 40, 'k', 1, true, 'act'],
  [6, 40, 'k', 1, true, 'act'],
  [3, 48, 'k', 1, true, 'act'],
  [3, 48, 'k', 1, true, 'act'],
  [6, 96, 'k', 2, true, 'act'],
  [6, 96, 'k', 1, true, 'act'],
  [6, 96, 'k', 1, true, 'act'],
];

const V3_LARGE: V3Block[] = [
  [1, 16, 3, 1, false, 'relu'],
  [4, 24, 3, 2, false, 'relu'],
  [3, 24, 3, 1, false, 'relu'],
  [3, 40, 'k', 2, true, 'relu'],
  [3, 40, 'k', 1, true, 'relu'],
  [3, 40, 'k', 1, true, 'relu'],
  [6, 80, 3, 2, false, 'act'],
  [2.5, 80, 3, 1, false, 'act'],
  [2.3, 80, 3, 1, false, 'act'],
  [2.3, 80, 3, 1, false, 'act'],
  [6, 112, 3, 1, true, 'act'],
  [6, 112, 3, 1, true, 'act'],
  [6, 160, 'k', 2, true, 'act'],
  [6, 160, 'k', 1, true, 'act'],
  [6, 160, 'k', 1, true, 'act'],
];

function seBlockV3(g: Graph, inputs: T, filters: number, seRatio: number, prefix: string): T {
  let x = g.layer('GlobalAveragePooling2D', { keepdims: true }, inputs, `${prefix}squeeze_excite_avg_pool`);
  x = g.layer('Conv2D', { filters: makeDivisible(filters * seRatio), kernel_size: 1, padding: 'same' }, x, `${prefix}squeeze_excite_conv`);
  x = g.keep(x, `${prefix}squeeze_excite_relu`);
  x = g.layer('Conv2D', { filters, kernel_size: 1, padding: 'same' }, x, `${prefix}squeeze_excite_conv_1`);
  return g.merge('Multiply', {}, [inputs, x], `${prefix}squeeze_excite_mul`);
}

function invertedResV3(g: Graph, x: T, expansion: number, filters: number, k: number, stride: number, seRatio: number | null, blockId: number): T {
  const shortcut = x;
  let prefix = 'expanded_conv_';
  const inC = g.channels(x);
  const expanded = inC === null ? null : makeDivisible((inC as number) * expansion);
  if (blockId) {
    prefix = `expanded_conv_${blockId}_`;
    x = g.layer('Conv2D', { filters: expanded ?? UNK, kernel_size: 1, padding: 'same', use_bias: false }, x, `${prefix}expand`);
    x = g.keep(x, `${prefix}expand_bn`);
  }
  if (stride === 2) {
    const pad = correctPad(g, x, k);
    x = pad === null ? null : g.layer('ZeroPadding2D', { padding: pad }, x, `${prefix}depthwise_pad`);
  }
  x = g.layer('DepthwiseConv2D', { kernel_size: k, strides: stride, padding: stride === 1 ? 'same' : 'valid', use_bias: false }, x, `${prefix}depthwise`);
  x = g.keep(x, `${prefix}depthwise_bn`);
  if (seRatio && expanded !== null) x = seBlockV3(g, x, expanded, seRatio, prefix);
  x = g.layer('Conv2D', { filters, kernel_size: 1, padding: 'same', use_bias: false }, x, `${prefix}project`);
  x = g.keep(x, `${prefix}project_bn`);
  if (stride === 1 && inC === filters) x = g.add([shortcut, x], `${prefix}add`);
  return x;
}

export function mobilenetV3(g: Graph, x: T, large: boolean, alpha: number, minimalistic: boolean): T {
  const kernel = minimalistic ? 3 : 5;
  const seRatio = minimalistic ? null : 0.25;
  x = g.layer('Conv2D', { filters: 16, kernel_size: 3, strides: 2, padding: 'same', use_bias: false }, x, 'conv');
  x = g.keep(x, 'conv_bn');
  (large ? V3_LARGE : V3_SMALL).forEach(([expansion, filters, k, stride, se], id) => {
    x = invertedResV3(g, x, expansion, makeDivisible(filters * alpha), k === 'k' ? kernel : k, stride, se ? seRatio : null, id);
  });
  const c = g.channels(x);
  x = g.layer('Conv2D', { filters: c === null ? UNK : makeDivisible((c as number) * 6), kernel_size: 1, padding: 'same', use_bias: false }, x, 'conv_1');
  return g.keep(x, 'conv_1_bn');
}
