// EfficientNet B0–B7 and EfficientNetV2 (B0–B3, S, M, L), as in
// keras/src/applications/efficientnet.py and efficientnet_v2.py.
import { UNK, type Graph, type T } from './graph';
import { correctPad, makeDivisible } from './common';

interface V1Block {
  k: number;
  repeats: number;
  fin: number;
  fout: number;
  expand: number;
  stride: number;
}

const V1_BLOCKS: V1Block[] = [
  { k: 3, repeats: 1, fin: 32, fout: 16, expand: 1, stride: 1 },
  { k: 3, repeats: 2, fin: 16, fout: 24, expand: 6, stride: 2 },
  { k: 5, repeats: 2, fin: 24, fout: 40, expand: 6, stride: 2 },
  { k: 3, repeats: 3, fin: 40, fout: 80, expand: 6, stride: 2 },
  { k: 5, repeats: 3, fin: 80, fout: 112, expand: 6, stride: 1 },
  { k: 5, repeats: 4, fin: 112, fout: 192, expand: 6, stride: 2 },
  { k: 3, repeats: 1, fin: 192, fout: 320, expand: 6, stride: 1 },
];

function seBlock(g: Graph, x: T, filters: number, finForSe: number, name: string): T {
  const filtersSe = Math.max(1, Math.trunc(finForSe * 0.25));
  let se = g.layer('GlobalAveragePooling2D', {}, x, `${name}se_squeeze`);
  se = g.layer('Reshape', { target_shape: g.format === 'channels_first' ? [filters, 1, 1] : [1, 1, filters] }, se, `${name}se_reshape`);
  se = g.layer('Conv2D', { filters: filtersSe, kernel_size: 1, padding: 'same' }, se, `${name}se_reduce`);
  se = g.layer('Conv2D', { filters, kernel_size: 1, padding: 'same' }, se, `${name}se_expand`);
  return g.merge('Multiply', {}, [x, se], `${name}se_excite`);
}

function v1Block(g: Graph, inputs: T, name: string, fin: number, fout: number, k: number, stride: number, expand: number): T {
  const filters = fin * expand;
  let x = inputs;
  if (expand !== 1) {
    x = g.layer('Conv2D', { filters, kernel_size: 1, padding: 'same', use_bias: false }, x, `${name}expand_conv`);
    x = g.keep(g.keep(x, `${name}expand_bn`), `${name}expand_activation`);
  }
  let pad = 'same';
  if (stride === 2) {
    const cp = correctPad(g, x, k);
    x = cp === null ? null : g.layer('ZeroPadding2D', { padding: cp }, x, `${name}dwconv_pad`);
    pad = 'valid';
  }
  x = g.layer('DepthwiseConv2D', { kernel_size: k, strides: stride, padding: pad, use_bias: false }, x, `${name}dwconv`);
  x = g.keep(g.keep(x, `${name}bn`), `${name}activation`);
  x = seBlock(g, x, filters, fin, name);
  x = g.layer('Conv2D', { filters: fout, kernel_size: 1, padding: 'same', use_bias: false }, x, `${name}project_conv`);
  x = g.keep(x, `${name}project_bn`);
  if (stride === 1 && fin === fout) {
    x = g.keep(x, `${name}drop`);
    x = g.merge('Add', {}, [x, inputs], `${name}add`);
  }
  return x;
}

export function efficientnet(g: Graph, x: T, width: number, depth: number, imagenet: boolean): T {
  const roundFilters = (f: number): number => makeDivisible(f * width, 8);
  const roundRepeats = (r: number): number => Math.ceil(depth * r);
  void imagenet; // the extra Rescaling with imagenet weights keeps the shape
  const cp = correctPad(g, x, 3);
  x = cp === null ? null : g.layer('ZeroPadding2D', { padding: cp }, x, 'stem_conv_pad');
  x = g.layer('Conv2D', { filters: roundFilters(32), kernel_size: 3, strides: 2, padding: 'valid', use_bias: false }, x, 'stem_conv');
  x = g.keep(g.keep(x, 'stem_bn'), 'stem_activation');
  V1_BLOCKS.forEach((b, i) => {
    let fin = roundFilters(b.fin);
    const fout = roundFilters(b.fout);
    let stride = b.stride;
    for (let j = 0; j < roundRepeats(b.repeats); j++) {
      if (j > 0) {
        stride = 1;
        fin = fout;
      }
      x = v1Block(g, x, `block${i + 1}${String.fromCharCode(j + 97)}_`, fin, fout, b.k, stride, b.expand);
    }
  });
  x = g.layer('Conv2D', { filters: roundFilters(1280), kernel_size: 1, padding: 'same', use_bias: false }, x, 'top_conv');
  return g.keep(g.keep(x, 'top_bn'), 'top_activation');
}

// ------------------------------------------------------------------------------ EfficientNetV2

/** [kernel, repeats, in, out, expand, se, stride, fused] */
type V2Block = [number, number, number, number, number, number, number, 0 | 1];

const B_BLOCKS: V2Block[] = [
  [3, 1, 32, 16, 1, 0, 1, 1],
  [3, 2, 16, 32, 4, 0, 2, 1],
  [3, 2, 32, 48, 4, 0, 2, 1],
  [3, 3, 48, 96, 4, 0.25, 2, 0],
  [3, 5, 96, 112, 6, 0.25, 1, 0],
  [3, 8, 112, 192, 6, 0.25, 2, 0],
];

export const V2_BLOCKS: Record<string, V2Block[]> = {
  b0: B_BLOCKS,
  b1: B_BLOCKS,
  b2: B_BLOCKS,
  b3: B_BLOCKS,
  s: [
    [3, 2, 24, 24, 1, 0, 1, 1],
    [3, 4, 24, 48, 4, 0, 2, 1],
    [3, 4, 48, 64, 4, 0, 2, 1],
    [3, 6, 64, 128, 4, 0.25, 2, 0],
    [3, 9, 128, 160, 6, 0.25, 1, 0],
    [3, 15, 160, 256, 6, 0.25, 2, 0],
  ],
  m: [
    [3, 3, 24, 24, 1, 0, 1, 1],
    [3, 5, 24, 48, 4, 0, 2, 1],
    [3, 5, 48, 80, 4, 0, 2, 1],
    [3, 7, 80, 160, 4, 0.25, 2, 0],
    [3, 14, 160, 176, 6, 0.25, 1, 0],
    [3, 18, 176, 304, 6, 0.25, 2, 0],
    [3, 5, 304, 512, 6, 0.25, 1, 0],
  ],
  l: [
    [3, 4, 32, 32, 1, 0, 1, 1],
    [3, 7, 32, 64, 4, 0, 2, 1],
    [3, 7, 64, 96, 4, 0, 2, 1],
    [3, 10, 96, 192, 4, 0.25, 2, 0],
    [3, 19, 192, 224, 6, 0.25, 1, 0],
    [3, 25, 224, 384, 6, 0.25, 2, 0],
    [3, 7, 384, 640, 6, 0.25, 1, 0],
  ],
};

function v2Se(g: Graph, x: T, filters: number, fin: number, se: number, name: string): T {
  if (!(se > 0 && se <= 1)) return x;
  const filtersSe = Math.max(1, Math.trunc(fin * se));
  let s = g.layer('GlobalAveragePooling2D', {}, x, `${name}se_squeeze`);
  s = g.layer('Reshape', { target_shape: g.format === 'channels_first' ? [filters, 1, 1] : [1, 1, filters] }, s, `${name}se_reshape`);
  s = g.layer('Conv2D', { filters: filtersSe, kernel_size: 1, padding: 'same' }, s, `${name}se_reduce`);
  s = g.layer('Conv2D', { filters, kernel_size: 1, padding: 'same' }, s, `${name}se_expand`);
  return g.merge('Multiply', {}, [x, s], `${name}se_excite`);
}

function mbconv(g: Graph, inputs: T, name: string, fin: number, fout: number, expand: number, k: number, stride: number, se: number): T {
  const filters = fin * expand;
  let x = inputs;
  if (expand !== 1) {
    x = g.layer('Conv2D', { filters, kernel_size: 1, strides: 1, padding: 'same', use_bias: false }, x, `${name}expand_conv`);
    x = g.keep(g.keep(x, `${name}expand_bn`), `${name}expand_activation`);
  }
  x = g.layer('DepthwiseConv2D', { kernel_size: k, strides: stride, padding: 'same', use_bias: false }, x, `${name}dwconv2`);
  x = g.keep(g.keep(x, `${name}bn`), `${name}activation`);
  x = v2Se(g, x, filters, fin, se, name);
  x = g.layer('Conv2D', { filters: fout, kernel_size: 1, strides: 1, padding: 'same', use_bias: false }, x, `${name}project_conv`);
  x = g.keep(x, `${name}project_bn`);
  if (stride === 1 && fin === fout) x = g.merge('Add', {}, [g.keep(x, `${name}drop`), inputs], `${name}add`);
  return x;
}

function fused(g: Graph, inputs: T, name: string, fin: number, fout: number, expand: number, k: number, stride: number, se: number): T {
  const filters = fin * expand;
  let x = inputs;
  if (expand !== 1) {
    x = g.layer('Conv2D', { filters, kernel_size: k, strides: stride, padding: 'same', use_bias: false }, x, `${name}expand_conv`);
    x = g.keep(g.keep(x, `${name}expand_bn`), `${name}expand_activation`);
  }
  x = v2Se(g, x, filters, fin, se, name);
  x = g.layer(
    'Conv2D',
    { filters: fout, kernel_size: expand !== 1 ? 1 : k, strides: expand !== 1 ? 1 : stride, padding: 'same', use_bias: false },
    x,
    `${name}project_conv`,
  );
  x = g.keep(x, `${name}project_bn`);
  if (expand === 1) x = g.keep(x, `${name}project_activation`);
  if (stride === 1 && fin === fout) x = g.merge('Add', {}, [g.keep(x, `${name}drop`), inputs], `${name}add`);
  return x;
}

export function efficientnetV2(g: Graph, x: T, variant: string, width: number, depth: number): T {
  const blocks = V2_BLOCKS[variant]!;
  const roundFilters = (f: number): number => makeDivisible(f * width, 8, 8, false);
  x = g.layer('Conv2D', { filters: roundFilters(blocks[0]![2]), kernel_size: 3, strides: 2, padding: 'same', use_bias: false }, x, 'stem_conv');
  x = g.keep(g.keep(x, 'stem_bn'), 'stem_activation');
  blocks.forEach(([k, repeats, fin0, fout0, expand, se, stride0, isFused], i) => {
    let fin = roundFilters(fin0);
    const fout = roundFilters(fout0);
    let stride = stride0;
    for (let j = 0; j < Math.ceil(depth * repeats); j++) {
      if (j > 0) {
        stride = 1;
        fin = fout;
      }
      const name = `block${i + 1}${String.fromCharCode(j + 97)}_`;
      x = isFused ? fused(g, x, name, fin, fout, expand, k, stride, se) : mbconv(g, x, name, fin, fout, expand, k, stride, se);
    }
  });
  x = g.layer('Conv2D', { filters: roundFilters(1280), kernel_size: 1, strides: 1, padding: 'same', use_bias: false }, x, 'top_conv');
  return g.keep(g.keep(x, 'top_bn'), 'top_activation');
}

export { UNK };
