// VGG16/19, Xception, InceptionV3, InceptionResNetV2, DenseNet, ConvNeXt and NASNet, as in
// the corresponding files of keras/src/applications/.
import { UNK, type Graph, type T } from './graph';
import { correctPad } from './common';

// ---------------------------------------------------------------------------------------- VGG

export function vgg(g: Graph, x: T, convs: number[]): T {
  const filters = [64, 128, 256, 512, 512];
  convs.forEach((n, b) => {
    for (let i = 1; i <= n; i++) {
      x = g.layer('Conv2D', { filters: filters[b], kernel_size: [3, 3], activation: 'relu', padding: 'same' }, x, `block${b + 1}_conv${i}`);
    }
    x = g.layer('MaxPooling2D', { pool_size: [2, 2], strides: [2, 2] }, x, `block${b + 1}_pool`);
  });
  return x;
}

export function vggTop(g: Graph, x: T, classes: number | null): T {
  x = g.layer('Flatten', {}, x, 'flatten');
  x = g.layer('Dense', { units: 4096, activation: 'relu' }, x, 'fc1');
  x = g.layer('Dense', { units: 4096, activation: 'relu' }, x, 'fc2');
  return g.layer('Dense', { units: classes ?? UNK }, x, 'predictions');
}

// ----------------------------------------------------------------------------------- Xception

export function xception(g: Graph, x: T): T {
  x = g.layer('Conv2D', { filters: 32, kernel_size: [3, 3], strides: [2, 2], use_bias: false }, x, 'block1_conv1');
  x = g.keep(g.keep(x, 'block1_conv1_bn'), 'block1_conv1_act');
  x = g.layer('Conv2D', { filters: 64, kernel_size: [3, 3], use_bias: false }, x, 'block1_conv2');
  x = g.keep(g.keep(x, 'block1_conv2_bn'), 'block1_conv2_act');
  const entry = (block: number, filters: number, firstAct: boolean): void => {
    const residual = g.layer('Conv2D', { filters, kernel_size: [1, 1], strides: [2, 2], padding: 'same', use_bias: false }, x);
    if (firstAct) x = g.keep(x, `block${block}_sepconv1_act`);
    x = g.layer('SeparableConv2D', { filters, kernel_size: [3, 3], padding: 'same', use_bias: false }, x, `block${block}_sepconv1`);
    x = g.keep(g.keep(x, `block${block}_sepconv1_bn`), `block${block}_sepconv2_act`);
    x = g.layer('SeparableConv2D', { filters, kernel_size: [3, 3], padding: 'same', use_bias: false }, x, `block${block}_sepconv2`);
    x = g.keep(x, `block${block}_sepconv2_bn`);
    x = g.layer('MaxPooling2D', { pool_size: [3, 3], strides: [2, 2], padding: 'same' }, x, `block${block}_pool`);
    x = g.add([x, residual]);
  };
  entry(2, 128, false);
  entry(3, 256, true);
  entry(4, 728, true);
  for (let i = 0; i < 8; i++) {
    const residual = x;
    const p = `block${i + 5}`;
    for (let j = 1; j <= 3; j++) {
      x = g.keep(x, `${p}_sepconv${j}_act`);
      x = g.layer('SeparableConv2D', { filters: 728, kernel_size: [3, 3], padding: 'same', use_bias: false }, x, `${p}_sepconv${j}`);
      x = g.keep(x, `${p}_sepconv${j}_bn`);
    }
    x = g.add([x, residual]);
  }
  const residual = g.layer('Conv2D', { filters: 1024, kernel_size: [1, 1], strides: [2, 2], padding: 'same', use_bias: false }, x);
  x = g.keep(x, 'block13_sepconv1_act');
  x = g.layer('SeparableConv2D', { filters: 728, kernel_size: [3, 3], padding: 'same', use_bias: false }, x, 'block13_sepconv1');
  x = g.keep(g.keep(x, 'block13_sepconv1_bn'), 'block13_sepconv2_act');
  x = g.layer('SeparableConv2D', { filters: 1024, kernel_size: [3, 3], padding: 'same', use_bias: false }, x, 'block13_sepconv2');
  x = g.keep(x, 'block13_sepconv2_bn');
  x = g.layer('MaxPooling2D', { pool_size: [3, 3], strides: [2, 2], padding: 'same' }, x, 'block13_pool');
  x = g.add([x, residual]);
  x = g.layer('SeparableConv2D', { filters: 1536, kernel_size: [3, 3], padding: 'same', use_bias: false }, x, 'block14_sepconv1');
  x = g.keep(g.keep(x, 'block14_sepconv1_bn'), 'block14_sepconv1_act');
  x = g.layer('SeparableConv2D', { filters: 2048, kernel_size: [3, 3], padding: 'same', use_bias: false }, x, 'block14_sepconv2');
  return g.keep(g.keep(x, 'block14_sepconv2_bn'), 'block14_sepconv2_act');
}

// -------------------------------------------------------------------------------- InceptionV3

function cbn(g: Graph, x: T, filters: number, rows: number, cols: number, padding = 'same', strides = 1, name?: string): T {
  const y = g.layer('Conv2D', { filters, kernel_size: [rows, cols], strides, padding, use_bias: false }, x, name === undefined ? undefined : `${name}_conv`);
  return g.keep(g.keep(y, name === undefined ? undefined : `${name}_bn`), name);
}

export function inceptionV3(g: Graph, x: T): T {
  const avg = (t: T): T => g.layer('AveragePooling2D', { pool_size: [3, 3], strides: [1, 1], padding: 'same' }, t);
  const max = (t: T): T => g.layer('MaxPooling2D', { pool_size: [3, 3], strides: [2, 2] }, t);
  x = cbn(g, x, 32, 3, 3, 'valid', 2);
  x = cbn(g, x, 32, 3, 3, 'valid');
  x = cbn(g, x, 64, 3, 3);
  x = max(x);
  x = cbn(g, x, 80, 1, 1, 'valid');
  x = cbn(g, x, 192, 3, 3, 'valid');
  x = max(x);
  [32, 64, 64].forEach((poolFilters, i) => {
    const b1 = cbn(g, x, 64, 1, 1);
    const b5 = cbn(g, cbn(g, x, 48, 1, 1), 64, 5, 5);
    const b3 = cbn(g, cbn(g, cbn(g, x, 64, 1, 1), 96, 3, 3), 96, 3, 3);
    const bp = cbn(g, avg(x), poolFilters, 1, 1);
    x = g.concat([b1, b5, b3, bp], `mixed${i}`);
  });
  {
    const b3 = cbn(g, x, 384, 3, 3, 'valid', 2);
    const bd = cbn(g, cbn(g, cbn(g, x, 64, 1, 1), 96, 3, 3), 96, 3, 3, 'valid', 2);
    x = g.concat([b3, bd, max(x)], 'mixed3');
  }
  [128, 160, 160, 192].forEach((c, i) => {
    const b1 = cbn(g, x, 192, 1, 1);
    const b7 = cbn(g, cbn(g, cbn(g, x, c, 1, 1), c, 1, 7), 192, 7, 1);
    let bd = cbn(g, x, c, 1, 1);
    bd = cbn(g, cbn(g, cbn(g, bd, c, 7, 1), c, 1, 7), c, 7, 1);
    bd = cbn(g, bd, 192, 1, 7);
    const bp = cbn(g, avg(x), 192, 1, 1);
    x = g.concat([b1, b7, bd, bp], `mixed${4 + i}`);
  });
  {
    const b3 = cbn(g, cbn(g, x, 192, 1, 1), 320, 3, 3, 'valid', 2);
    let b7 = cbn(g, cbn(g, cbn(g, x, 192, 1, 1), 192, 1, 7), 192, 7, 1);
    b7 = cbn(g, b7, 192, 3, 3, 'valid', 2);
    x = g.concat([b3, b7, max(x)], 'mixed8');
  }
  for (let i = 0; i < 2; i++) {
    const b1 = cbn(g, x, 320, 1, 1);
    const b3 = cbn(g, x, 384, 1, 1);
    const b3c = g.concat([cbn(g, b3, 384, 1, 3), cbn(g, b3, 384, 3, 1)], `mixed9_${i}`);
    const bd = cbn(g, cbn(g, x, 448, 1, 1), 384, 3, 3);
    const bdc = g.concat([cbn(g, bd, 384, 1, 3), cbn(g, bd, 384, 3, 1)]);
    const bp = cbn(g, avg(x), 192, 1, 1);
    x = g.concat([b1, b3c, bdc, bp], `mixed${9 + i}`);
  }
  return x;
}

// ------------------------------------------------------------------------- InceptionResNetV2

function cbn2(g: Graph, x: T, filters: number, k: number | [number, number], strides = 1, padding = 'same', act = true, useBias = false, name?: string): T {
  let y = g.layer('Conv2D', { filters, kernel_size: k, strides, padding, use_bias: useBias }, x, name);
  if (!useBias) y = g.keep(y, name === undefined ? undefined : `${name}_bn`);
  if (act) y = g.keep(y, name === undefined ? undefined : `${name}_ac`);
  return y;
}

function irBlock(g: Graph, x: T, type: 'block35' | 'block17' | 'block8', idx: number, activation: boolean): T {
  let branches: T[];
  if (type === 'block35') {
    branches = [cbn2(g, x, 32, 1), cbn2(g, cbn2(g, x, 32, 1), 32, 3), cbn2(g, cbn2(g, cbn2(g, x, 32, 1), 48, 3), 64, 3)];
  } else if (type === 'block17') {
    branches = [cbn2(g, x, 192, 1), cbn2(g, cbn2(g, cbn2(g, x, 128, 1), 160, [1, 7]), 192, [7, 1])];
  } else {
    branches = [cbn2(g, x, 192, 1), cbn2(g, cbn2(g, cbn2(g, x, 192, 1), 224, [1, 3]), 256, [3, 1])];
  }
  const name = `${type}_${idx}`;
  const mixed = g.concat(branches, `${name}_mixed`);
  const c = g.channels(x);
  const up = cbn2(g, mixed, (c ?? UNK) as number, 1, 1, 'same', false, true, `${name}_conv`);
  let y = g.add([x, up]); // CustomScaleLayer: x + up * scale
  if (activation) y = g.keep(y, `${name}_ac`);
  return y;
}

export function inceptionResNetV2(g: Graph, x: T): T {
  const max = (t: T): T => g.layer('MaxPooling2D', { pool_size: 3, strides: 2, padding: 'valid' }, t);
  x = cbn2(g, x, 32, 3, 2, 'valid');
  x = cbn2(g, x, 32, 3, 1, 'valid');
  x = cbn2(g, x, 64, 3);
  x = max(x);
  x = cbn2(g, x, 80, 1, 1, 'valid');
  x = cbn2(g, x, 192, 3, 1, 'valid');
  x = max(x);
  {
    const b0 = cbn2(g, x, 96, 1);
    const b1 = cbn2(g, cbn2(g, x, 48, 1), 64, 5);
    const b2 = cbn2(g, cbn2(g, cbn2(g, x, 64, 1), 96, 3), 96, 3);
    const bp = cbn2(g, g.layer('AveragePooling2D', { pool_size: 3, strides: 1, padding: 'same' }, x), 64, 1);
    x = g.concat([b0, b1, b2, bp], 'mixed_5b');
  }
  for (let i = 1; i <= 10; i++) x = irBlock(g, x, 'block35', i, true);
  {
    const b0 = cbn2(g, x, 384, 3, 2, 'valid');
    const b1 = cbn2(g, cbn2(g, cbn2(g, x, 256, 1), 256, 3), 384, 3, 2, 'valid');
    x = g.concat([b0, b1, max(x)], 'mixed_6a');
  }
  for (let i = 1; i <= 20; i++) x = irBlock(g, x, 'block17', i, true);
  {
    const b0 = cbn2(g, cbn2(g, x, 256, 1), 384, 3, 2, 'valid');
    const b1 = cbn2(g, cbn2(g, x, 256, 1), 288, 3, 2, 'valid');
    const b2 = cbn2(g, cbn2(g, cbn2(g, x, 256, 1), 288, 3), 320, 3, 2, 'valid');
    x = g.concat([b0, b1, b2, max(x)], 'mixed_7a');
  }
  for (let i = 1; i <= 9; i++) x = irBlock(g, x, 'block8', i, true);
  x = irBlock(g, x, 'block8', 10, false);
  return cbn2(g, x, 1536, 1, 1, 'same', true, false, 'conv_7b');
}

// ----------------------------------------------------------------------------------- DenseNet

export function densenet(g: Graph, x: T, blocks: number[]): T {
  x = g.layer('ZeroPadding2D', { padding: [[3, 3], [3, 3]] }, x);
  x = g.layer('Conv2D', { filters: 64, kernel_size: 7, strides: 2, use_bias: false }, x, 'conv1_conv');
  x = g.keep(g.keep(x, 'conv1_bn'), 'conv1_relu');
  x = g.layer('ZeroPadding2D', { padding: [[1, 1], [1, 1]] }, x);
  x = g.layer('MaxPooling2D', { pool_size: 3, strides: 2 }, x, 'pool1');
  blocks.forEach((n, s) => {
    const name = `conv${s + 2}`;
    for (let i = 1; i <= n; i++) {
      const b = `${name}_block${i}`;
      let y = g.keep(g.keep(x, `${b}_0_bn`), `${b}_0_relu`);
      y = g.layer('Conv2D', { filters: 128, kernel_size: 1, use_bias: false }, y, `${b}_1_conv`);
      y = g.keep(g.keep(y, `${b}_1_bn`), `${b}_1_relu`);
      y = g.layer('Conv2D', { filters: 32, kernel_size: 3, padding: 'same', use_bias: false }, y, `${b}_2_conv`);
      x = g.concat([x, y], `${b}_concat`);
    }
    if (s < blocks.length - 1) {
      const t = `pool${s + 2}`;
      x = g.keep(g.keep(x, `${t}_bn`), `${t}_relu`);
      const c = g.channels(x);
      x = g.layer('Conv2D', { filters: c === null ? UNK : Math.trunc((c as number) * 0.5), kernel_size: 1, use_bias: false }, x, `${t}_conv`);
      x = g.layer('AveragePooling2D', { pool_size: 2, strides: 2 }, x, `${t}_pool`);
    }
  });
  return g.keep(g.keep(x, 'bn'), 'relu');
}

// ----------------------------------------------------------------------------------- ConvNeXt

export const CONVNEXT: Record<string, { depths: number[]; dims: number[] }> = {
  tiny: { depths: [3, 3, 9, 3], dims: [96, 192, 384, 768] },
  small: { depths: [3, 3, 27, 3], dims: [96, 192, 384, 768] },
  base: { depths: [3, 3, 27, 3], dims: [128, 256, 512, 1024] },
  large: { depths: [3, 3, 27, 3], dims: [192, 384, 768, 1536] },
  xlarge: { depths: [3, 3, 27, 3], dims: [256, 512, 1024, 2048] },
};

export function convnext(g: Graph, x: T, variant: string, name: string): T {
  const { depths, dims } = CONVNEXT[variant]!;
  for (let i = 0; i < 4; i++) {
    if (i === 0) {
      x = g.layer('Conv2D', { filters: dims[0], kernel_size: 4, strides: 4 }, x, `${name}_stem_conv`);
      x = g.keep(g.keep(x, `${name}_stem_layernorm`), `${name}_stem`);
    } else {
      x = g.keep(x, `${name}_downsampling_layernorm_${i - 1}`);
      x = g.layer('Conv2D', { filters: dims[i], kernel_size: 2, strides: 2 }, x, `${name}_downsampling_conv_${i - 1}`);
      x = g.keep(x, `${name}_downsampling_block_${i - 1}`);
    }
    for (let j = 0; j < depths[i]!; j++) {
      const b = `${name}_stage_${i}_block_${j}`;
      let y = g.layer('Conv2D', { filters: dims[i], kernel_size: 7, padding: 'same', groups: dims[i] }, x, `${b}_depthwise_conv`);
      y = g.keep(y, `${b}_layernorm`);
      y = g.layer('Dense', { units: 4 * dims[i]! }, y, `${b}_pointwise_conv_1`);
      y = g.keep(y, `${b}_gelu`);
      y = g.layer('Dense', { units: dims[i] }, y, `${b}_pointwise_conv_2`);
      y = g.keep(g.keep(y, `${b}_layer_scale`), `${b}_identity`);
      x = g.add([x, y]);
    }
  }
  return x;
}

// ------------------------------------------------------------------------------------- NASNet

function sepBlock(g: Graph, ip: T, filters: number, k: number, stride: number, id: string): T {
  let x = ip;
  let pad = 'same';
  if (stride === 2) {
    const cp = correctPad(g, x, k);
    x = cp === null ? null : g.layer('ZeroPadding2D', { padding: cp }, x, `separable_conv_1_pad_${id}`);
    pad = 'valid';
  }
  x = g.layer('SeparableConv2D', { filters, kernel_size: k, strides: stride, padding: pad, use_bias: false }, x, `separable_conv_1_${id}`);
  x = g.keep(x, `separable_conv_1_bn_${id}`);
  x = g.layer('SeparableConv2D', { filters, kernel_size: k, padding: 'same', use_bias: false }, x, `separable_conv_2_${id}`);
  return g.keep(x, `separable_conv_2_bn_${id}`);
}

/** Python's `a != b` on two dimensions where None == None. */
function pyDiffer(a: number | null, b: number | null): boolean {
  return a !== b;
}

function adjust(g: Graph, p: T | undefined, ip: T, filters: number, id: string): T {
  if (p === undefined) return ip;
  if (p === null || ip === null) return null;
  const [, pw] = g.hw(p);
  const [, iw] = g.hw(ip);
  if (pyDiffer(pw, iw)) {
    const p1 = g.layer('Conv2D', { filters: Math.floor(filters / 2), kernel_size: 1, padding: 'same', use_bias: false }, g.layer('AveragePooling2D', { pool_size: 1, strides: 2, padding: 'valid' }, p, `adjust_avg_pool_1_${id}`), `adjust_conv_1_${id}`);
    let p2 = g.layer('ZeroPadding2D', { padding: [[0, 1], [0, 1]] }, p);
    p2 = g.layer('Cropping2D', { cropping: [[1, 0], [1, 0]] }, p2);
    p2 = g.layer('AveragePooling2D', { pool_size: 1, strides: 2, padding: 'valid' }, p2, `adjust_avg_pool_2_${id}`);
    p2 = g.layer('Conv2D', { filters: Math.floor(filters / 2), kernel_size: 1, padding: 'same', use_bias: false }, p2, `adjust_conv_2_${id}`);
    return g.keep(g.concat([p1, p2]), `adjust_bn_${id}`);
  }
  if (pyDiffer(g.channels(p), filters)) {
    const q = g.layer('Conv2D', { filters, kernel_size: 1, strides: 1, padding: 'same', use_bias: false }, p, `adjust_conv_projection_${id}`);
    return g.keep(q, `adjust_bn_${id}`);
  }
  return p;
}

function normalCell(g: Graph, ip: T, pIn: T | undefined, filters: number, id: string): [T, T] {
  const p = adjust(g, pIn, ip, filters, id);
  let h = g.layer('Conv2D', { filters, kernel_size: 1, strides: 1, padding: 'same', use_bias: false }, ip, `normal_conv_1_${id}`);
  h = g.keep(h, `normal_bn_1_${id}`);
  const avg = (t: T, name: string): T => g.layer('AveragePooling2D', { pool_size: 3, strides: 1, padding: 'same' }, t, name);
  const x1 = g.add([sepBlock(g, h, filters, 5, 1, `normal_left1_${id}`), sepBlock(g, p, filters, 3, 1, `normal_right1_${id}`)], `normal_add_1_${id}`);
  const x2 = g.add([sepBlock(g, p, filters, 5, 1, `normal_left2_${id}`), sepBlock(g, p, filters, 3, 1, `normal_right2_${id}`)], `normal_add_2_${id}`);
  const x3 = g.add([avg(h, `normal_left3_${id}`), p], `normal_add_3_${id}`);
  const x4 = g.add([avg(p, `normal_left4_${id}`), avg(p, `normal_right4_${id}`)], `normal_add_4_${id}`);
  const x5 = g.add([sepBlock(g, h, filters, 3, 1, `normal_left5_${id}`), h], `normal_add_5_${id}`);
  return [g.concat([p, x1, x2, x3, x4, x5], `normal_concat_${id}`), ip];
}

function reductionCell(g: Graph, ip: T, pIn: T | undefined, filters: number, id: string): [T, T] {
  const p = adjust(g, pIn, ip, filters, id);
  let h = g.layer('Conv2D', { filters, kernel_size: 1, strides: 1, padding: 'same', use_bias: false }, ip, `reduction_conv_1_${id}`);
  h = g.keep(h, `reduction_bn_1_${id}`);
  const cp = correctPad(g, h, 3);
  const h3 = cp === null ? null : g.layer('ZeroPadding2D', { padding: cp }, h, `reduction_pad_1_${id}`);
  const maxv = (name: string): T => g.layer('MaxPooling2D', { pool_size: 3, strides: 2, padding: 'valid' }, h3, name);
  const x1 = g.add([sepBlock(g, h, filters, 5, 2, `reduction_left1_${id}`), sepBlock(g, p, filters, 7, 2, `reduction_right1_${id}`)], `reduction_add_1_${id}`);
  const x2 = g.add([maxv(`reduction_left2_${id}`), sepBlock(g, p, filters, 7, 2, `reduction_right2_${id}`)], `reduction_add_2_${id}`);
  const x3 = g.add(
    [g.layer('AveragePooling2D', { pool_size: 3, strides: 2, padding: 'valid' }, h3, `reduction_left3_${id}`), sepBlock(g, p, filters, 5, 2, `reduction_right3_${id}`)],
    `reduction_add3_${id}`,
  );
  const x4 = g.add([x2, g.layer('AveragePooling2D', { pool_size: 3, strides: 1, padding: 'same' }, x1, `reduction_left4_${id}`)]);
  const x5 = g.add([sepBlock(g, x1, filters, 3, 1, `reduction_left4_${id}`), maxv(`reduction_right5_${id}`)], `reduction_add4_${id}`);
  return [g.concat([x2, x3, x4, x5], `reduction_concat_${id}`), ip];
}

export function nasnet(g: Graph, x: T, cfg: { penultimate: number; blocks: number; stem: number; skipReduction: boolean; multiplier: number }): T {
  const filters = Math.floor(cfg.penultimate / 24);
  const m = cfg.multiplier;
  x = g.layer('Conv2D', { filters: cfg.stem, kernel_size: [3, 3], strides: [2, 2], padding: 'valid', use_bias: false }, x, 'stem_conv1');
  x = g.keep(x, 'stem_bn1');
  let p: T | undefined;
  [x, p] = reductionCell(g, x, p, Math.floor(filters / (m * m)), 'stem_1');
  [x, p] = reductionCell(g, x, p, Math.floor(filters / m), 'stem_2');
  for (let i = 0; i < cfg.blocks; i++) [x, p] = normalCell(g, x, p, filters, String(i));
  let p0: T;
  [x, p0] = reductionCell(g, x, p, filters * m, `reduce_${cfg.blocks}`);
  p = cfg.skipReduction ? p : p0;
  for (let i = 0; i < cfg.blocks; i++) [x, p] = normalCell(g, x, p, filters * m, String(cfg.blocks + i + 1));
  [x, p0] = reductionCell(g, x, p, filters * m * m, `reduce_${2 * cfg.blocks}`);
  p = cfg.skipReduction ? p : p0;
  for (let i = 0; i < cfg.blocks; i++) [x, p] = normalCell(g, x, p, filters * m * m, String(2 * cfg.blocks + i + 1));
  return g.keep(x);
}
