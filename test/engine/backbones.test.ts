// keras.applications backbones. Expected sizes are derived by hand from each network's Keras
// source (keras/src/applications/*.py): its padding layers, 'valid'/'same' convolutions and
// pools, stride by stride. Closed forms used below (L = an input height or width):
// - ResNet v1: ZeroPadding(3) + 7×7/2 valid → floor((L-1)/2)+1 = ceil(L/2); ZeroPadding(1) +
//   3×3/2 max pool → ceil; each later stage's 1×1/2 valid conv → ceil. So stage i is ceil(L/2^i).
// - ResNet v2 downsamples at the end of each stage (ZeroPadding(1) + 3×3/2 valid → ceil).
// - MobileNetV2 / EfficientNet: stride-2 depthwise convs use correct_pad + 'valid', which gives
//   ceil(L/2) for odd and even L alike; the stems are 'same' stride 2 → ceil(L/2).
// - MobileNet v1: 'same' stem → ceil(L/2), then ZeroPadding((0,1)) + 3×3/2 valid → floor(x/2).
// - VGG: 2×2/2 valid pools → floor(L/2) five times. ConvNeXt: 4×4/4 then 2×2/2 valid → floor.
// - DenseNet: the ResNet stem (ceil, ceil), then 2×2/2 average pools (floor) three times.
import { describe, expect, it } from 'vitest';
import { applyBackbone, backboneSignature, isBackbone, supportedBackbones } from '../../server/src/engine/index';
import type { PyValue, Shape } from '../../server/src/engine/types';
import { FIRST, LAST, list, none, py, tup } from './helpers';
import { fc, runs } from './fc-config';

function bb(name: string, args: Record<string, unknown>, opts: { tensor?: Shape | null; call?: Shape | null; options?: typeof LAST } = {}) {
  const pa: Record<string, PyValue> = {};
  for (const [k, v] of Object.entries(args)) pa[k] = py(v);
  const r = applyBackbone(name, pa, opts.tensor, opts.options ?? LAST, opts.call);
  for (const f of r.result.findings) expect(f.message.trim().endsWith('.')).toBe(true);
  return r;
}
const noTop = (shape: (number | null)[], extra: Record<string, unknown> = {}) => ({ include_top: false, weights: none, input_shape: tup(...shape.map((d) => (d === null ? none : d))), ...extra });
const ceil = (a: number, b: number) => Math.ceil(a / b);
const floor = (a: number, b: number) => Math.floor(a / b);
const msg = (r: ReturnType<typeof bb>, code: string) => r.result.findings.find((f) => f.code === code)?.message;

describe('hand-derived shapes on 224 and on odd sizes', () => {
  it('ResNet50 and its stage outputs', () => {
    const r = bb('ResNet50', noTop([224, 224, 3]));
    expect(r.result.output).toEqual([null, 7, 7, 2048]);
    expect(r.input).toEqual([null, 224, 224, 3]);
    expect(r.modelName).toBe('resnet50');
    expect(r.namedOutputs.conv1_relu).toEqual([null, 112, 112, 64]);
    expect(r.namedOutputs.pool1_pool).toEqual([null, 56, 56, 64]);
    expect(r.namedOutputs.conv2_block3_out).toEqual([null, 56, 56, 256]);
    expect(r.namedOutputs.conv3_block4_out).toEqual([null, 28, 28, 512]);
    expect(r.namedOutputs.conv4_block6_out).toEqual([null, 14, 14, 1024]);
    expect(r.namedOutputs.conv5_block3_out).toEqual([null, 7, 7, 2048]);
    // 65: conv1 (65 + 6 - 7) / 2 + 1 = 33, pool (33 + 2 - 3) / 2 + 1 = 17, then 9, 5, 3.
    const odd = bb('ResNet50', noTop([65, 65, 3]));
    expect(odd.result.output).toEqual([null, 3, 3, 2048]);
    expect(odd.namedOutputs.conv2_block3_out).toEqual([null, 17, 17, 256]);
    expect(odd.namedOutputs.conv4_block6_out).toEqual([null, 5, 5, 1024]);
  });

  it('ResNet101/152 block counts and the V2 family', () => {
    expect(bb('ResNet101', noTop([224, 224, 3])).namedOutputs.conv4_block23_out).toEqual([null, 14, 14, 1024]);
    expect(bb('ResNet101', noTop([224, 224, 3])).namedOutputs.conv4_block24_out).toBeUndefined();
    const r152 = bb('ResNet152', noTop([224, 224, 3]));
    expect(r152.namedOutputs.conv3_block8_out).toEqual([null, 28, 28, 512]);
    expect(r152.namedOutputs.conv4_block36_out).toEqual([null, 14, 14, 1024]);
    // V2: conv2 ends with the stride-2 block, so conv2_block3_out is already at 1/8.
    const v2 = bb('ResNet50V2', noTop([224, 224, 3]));
    expect(v2.result.output).toEqual([null, 7, 7, 2048]);
    expect(v2.namedOutputs.conv2_block3_out).toEqual([null, 28, 28, 256]);
    expect(v2.namedOutputs.conv2_block2_out).toEqual([null, 56, 56, 256]);
    expect(v2.namedOutputs.post_relu).toEqual([null, 7, 7, 2048]);
    expect(bb('ResNet152V2', noTop([65, 65, 3])).result.output).toEqual([null, 3, 3, 2048]);
  });

  it('MobileNet v1, v2, v3 feature layers', () => {
    const m2 = bb('MobileNetV2', noTop([224, 224, 3]));
    expect(m2.result.output).toEqual([null, 7, 7, 1280]);
    expect(m2.namedOutputs.block_1_expand_relu).toEqual([null, 112, 112, 96]);
    expect(m2.namedOutputs.block_3_expand_relu).toEqual([null, 56, 56, 144]);
    expect(m2.namedOutputs.block_6_expand_relu).toEqual([null, 28, 28, 192]);
    expect(m2.namedOutputs.block_13_expand_relu).toEqual([null, 14, 14, 576]);
    expect(m2.namedOutputs.block_16_project).toEqual([null, 7, 7, 320]);
    expect(m2.namedOutputs.out_relu).toEqual([null, 7, 7, 1280]);
    // alpha 0.5: _make_divisible(32·0.5, 8) = 16 stem filters; the last conv stays 1280.
    expect(bb('MobileNetV2', noTop([96, 96, 3], { alpha: 0.5 })).namedOutputs.Conv1).toEqual([null, 48, 48, 16]);
    const m1 = bb('MobileNet', noTop([224, 224, 3]));
    expect(m1.result.output).toEqual([null, 7, 7, 1024]);
    expect(m1.namedOutputs.conv_pw_1_relu).toEqual([null, 112, 112, 64]);
    expect(m1.namedOutputs.conv_pw_3_relu).toEqual([null, 56, 56, 128]);
    expect(m1.namedOutputs.conv_pw_5_relu).toEqual([null, 28, 28, 256]);
    expect(m1.namedOutputs.conv_pw_11_relu).toEqual([null, 14, 14, 512]);
    expect(m1.namedOutputs.conv_pw_13_relu).toEqual([null, 7, 7, 1024]);
    // 65 → 33 (same), then floor: 16, 8, 4, 2.
    expect(bb('MobileNet', noTop([65, 65, 3])).result.output).toEqual([null, 2, 2, 1024]);
    expect(bb('MobileNet', noTop([224, 224, 3], { alpha: 0.25 })).result.output).toEqual([null, 7, 7, 256]);
    // V3: last conv = _depth(6 · 96) = 576 (Small), 6 · 160 = 960 (Large).
    expect(bb('MobileNetV3Small', noTop([224, 224, 3])).result.output).toEqual([null, 7, 7, 576]);
    expect(bb('MobileNetV3Large', noTop([224, 224, 3])).result.output).toEqual([null, 7, 7, 960]);
    expect(bb('MobileNetV3Large', noTop([224, 224, 3])).namedOutputs.expanded_conv_12_project_bn).toEqual([null, 7, 7, 160]);
    expect(bb('MobileNetV3Small', {}).result.output).toEqual([null, 1000]);
    expect(bb('MobileNetV3Small', {}).input).toEqual([null, null, null, 3]);
  });

  it('EfficientNet, VGG, Xception, Inception, DenseNet, ConvNeXt, NASNet', () => {
    expect(bb('EfficientNetB0', noTop([224, 224, 3])).result.output).toEqual([null, 7, 7, 1280]);
    // round_filters(1280) with width 2.0 = 2560; B7's default size is 600 → 19.
    expect(bb('EfficientNetB7', noTop([600, 600, 3])).result.output).toEqual([null, 19, 19, 2560]);
    expect(bb('EfficientNetB3', noTop([300, 300, 3])).namedOutputs.block6a_expand_activation).toEqual([null, 19, 19, 816]);
    expect(bb('EfficientNetV2S', noTop([384, 384, 3])).result.output).toEqual([null, 12, 12, 1280]);
    expect(bb('EfficientNetV2B2', noTop([260, 260, 3])).result.output).toEqual([null, 9, 9, 1408]);
    expect(bb('VGG16', noTop([224, 224, 3])).result.output).toEqual([null, 7, 7, 512]);
    expect(bb('VGG19', noTop([224, 224, 3])).namedOutputs.block4_conv4).toEqual([null, 28, 28, 512]);
    // Xception 299: (299 - 3) / 2 + 1 = 149, 147, then 'same' pools: 74, 37, 19, 10.
    expect(bb('Xception', noTop([299, 299, 3])).result.output).toEqual([null, 10, 10, 2048]);
    const inc = bb('InceptionV3', noTop([299, 299, 3]));
    expect(inc.result.output).toEqual([null, 8, 8, 2048]);
    expect(inc.namedOutputs.mixed2).toEqual([null, 35, 35, 288]);
    expect(inc.namedOutputs.mixed7).toEqual([null, 17, 17, 768]);
    expect(bb('InceptionResNetV2', noTop([299, 299, 3])).result.output).toEqual([null, 8, 8, 1536]);
    expect(bb('InceptionResNetV2', noTop([299, 299, 3])).namedOutputs.mixed_6a).toEqual([null, 17, 17, 1088]);
    expect(bb('DenseNet121', noTop([224, 224, 3])).result.output).toEqual([null, 7, 7, 1024]);
    expect(bb('DenseNet169', noTop([224, 224, 3])).result.output).toEqual([null, 7, 7, 1664]);
    expect(bb('DenseNet201', noTop([224, 224, 3])).namedOutputs.pool4_relu).toEqual([null, 14, 14, 1792]);
    expect(bb('ConvNeXtTiny', noTop([224, 224, 3])).result.output).toEqual([null, 7, 7, 768]);
    expect(bb('ConvNeXtBase', noTop([224, 224, 3])).result.output).toEqual([null, 7, 7, 1024]);
    expect(bb('NASNetMobile', noTop([224, 224, 3])).result.output).toEqual([null, 7, 7, 1056]);
    expect(bb('NASNetLarge', noTop([331, 331, 3])).result.output).toEqual([null, 11, 11, 4032]);
  });

  it('tops, pooling, classes, channels_first, unknown sizes', () => {
    expect(bb('ResNet50', {}).result.output).toEqual([null, 1000]);
    expect(bb('ResNet50', {}).input).toEqual([null, 224, 224, 3]);
    expect(bb('ResNet50', noTop([224, 224, 3], { pooling: 'avg' })).result.output).toEqual([null, 2048]);
    expect(bb('ResNet50', noTop([224, 224, 3], { pooling: 'max' })).namedOutputs.max_pool).toEqual([null, 2048]);
    expect(bb('ResNet50', { weights: none, classes: 10, input_shape: tup(100, 100, 3) }).result.output).toEqual([null, 10]);
    // VGG16's top flattens 3·3·512 on a 100 input, then fc1/fc2/predictions.
    expect(bb('VGG16', { weights: none, classes: 7, input_shape: tup(100, 100, 3) }).namedOutputs.flatten).toEqual([null, 4608]);
    expect(bb('MobileNet', {}).result.output).toEqual([null, 1000]);
    expect(bb('ConvNeXtTiny', {}).namedOutputs.convnext_tiny_head_dense).toEqual([null, 1000]);
    expect(bb('ResNet50', { include_top: false, weights: none, input_shape: tup(3, 224, 224) }, { options: FIRST }).result.output).toEqual([null, 2048, 7, 7]);
    expect(bb('MobileNetV2', { include_top: false, weights: none, input_shape: tup(3, 65, 65) }, { options: FIRST }).result.output).toEqual([null, 1280, 3, 3]);
    const unk = bb('ResNet50', noTop([null, null, 3]));
    expect(unk.result.output).toEqual([null, null, null, 2048]);
    expect(unk.result.unknownReason).toContain('not known');
    expect(bb('ResNet50', { include_top: false, weights: none }).input).toEqual([null, null, null, 3]);
    expect(bb('ResNet50', noTop([100, null, 3])).result.output).toEqual([null, 4, null, 2048]);
  });

  it('input_tensor and calling the model', () => {
    expect(bb('ResNet50', { include_top: false, weights: none }, { tensor: [null, 65, 65, 3] }).result.output).toEqual([null, 3, 3, 2048]);
    expect(msg(bb('ResNet50', { include_top: false }, { tensor: [null, 65, 3] }), 'rank-mismatch')).toContain('rank-4');
    const fixed = { include_top: false, weights: none, input_shape: tup(224, 224, 3) };
    expect(bb('ResNet50', fixed, { call: [8, 224, 224, 3] }).result.output).toEqual([8, 7, 7, 2048]);
    expect(msg(bb('ResNet50', fixed, { call: [null, 128, 128, 3] }), 'shape-mismatch')).toBe(
      'Keras raises ValueError: Input 0 of layer "resnet50" is incompatible with the layer: expected shape=(None, 224, 224, 3), found shape=(None, 128, 128, 3).',
    );
    expect(bb('ResNet50', noTop([null, null, 3]), { call: [null, 65, 65, 3] }).result.output).toEqual([null, 3, 3, 2048]);
  });
});

describe("the constructors' checks, in Keras' words", () => {
  it('obtain_input_shape', () => {
    expect(msg(bb('ResNet50', { include_top: false, input_shape: tup(31, 31, 3) }), 'invalid-layer-argument')).toBe(
      'Keras raises ValueError: Input size must be at least 32x32; Received: input_shape=(31, 31, 3).',
    );
    expect(msg(bb('InceptionV3', { include_top: false, input_shape: tup(74, 80, 3) }), 'invalid-layer-argument')).toContain('at least 75x75');
    expect(msg(bb('Xception', { include_top: false, input_shape: tup(70, 80, 3) }), 'invalid-layer-argument')).toContain('at least 71x71');
    expect(msg(bb('ResNet50', { input_shape: tup(200, 200, 3) }), 'invalid-layer-argument')).toContain(
      'When setting `include_top=True` and loading `imagenet` weights, `input_shape` should be (224, 224, 3).  Received: input_shape=(200, 200, 3)',
    );
    const listed = msg(bb('ResNet50', { input_shape: list(224, 224, 3) }), 'invalid-layer-argument');
    expect(listed).toContain('Received: input_shape=[224, 224, 3]');
    expect(listed).toContain('a list is never equal to it');
    expect(msg(bb('ResNet50', { weights: none, input_shape: tup(none, none, 3) }), 'invalid-layer-argument')).toBe(
      'Keras raises ValueError: If `include_top` is True, you should specify a static `input_shape`. Received: input_shape=(None, None, 3).',
    );
    expect(msg(bb('ResNet50', { include_top: false, input_shape: tup(224, 224, 1) }), 'invalid-layer-argument')).toBe(
      'Keras raises ValueError: The input must have 3 channels; Received `input_shape=(224, 224, 1)`.',
    );
    expect(bb('ResNet50', { include_top: false, weights: none, input_shape: tup(224, 224, 1) }).result.findings).toEqual([]);
    expect(msg(bb('ResNet50', { include_top: false, input_shape: tup(224, 224) }), 'invalid-layer-argument')).toBe(
      'Keras raises ValueError: `input_shape` must be a tuple of three integers.',
    );
    // MobileNetV2: a square trained size becomes the default size, so include_top accepts it.
    expect(bb('MobileNetV2', { input_shape: tup(160, 160, 3) }).result.findings).toEqual([]);
    expect(msg(bb('MobileNetV2', { input_shape: tup(150, 150, 3) }), 'invalid-layer-argument')).toContain('should be (224, 224, 3)');
  });

  it('weights, classes, classifier_activation and per-network arguments', () => {
    expect(msg(bb('ResNet50', { classes: 10 }), 'invalid-layer-argument')).toBe(
      "Keras raises ValueError: If using `weights='imagenet'` with `include_top=True`, `classes` should be 1000.  Received classes=10.",
    );
    expect(msg(bb('ResNet50', { classifier_activation: 'sigmoid' }), 'invalid-layer-argument')).toBe(
      'Keras raises ValueError: Only `None` and `softmax` activations are allowed for the `classifier_activation` argument when using pretrained weights, with `include_top=True`; Received: classifier_activation=sigmoid.',
    );
    expect(bb('ResNet50', { classifier_activation: 'sigmoid', weights: none }).result.findings).toEqual([]);
    expect(msg(bb('ResNet50', { weights: 3 }), 'invalid-layer-argument')).toContain('The `weights` argument should be either');
    expect(msg(bb('MobileNet', { alpha: 0.3 }), 'invalid-layer-argument')).toContain('alpha can be one of');
    expect(msg(bb('MobileNet', { depth_multiplier: 2 }), 'invalid-layer-argument')).toContain('depth multiplier must be 1');
    expect(msg(bb('MobileNetV2', { alpha: 0.3 }), 'invalid-layer-argument')).toContain('alpha must be one of `0.35`');
    expect(msg(bb('MobileNetV3Small', { alpha: 0.5 }), 'invalid-layer-argument')).toContain('alpha can be one of `0.75`, `1.0`');
    expect(msg(bb('MobileNetV3Small', { input_shape: tup(20, 64, 3) }), 'invalid-layer-argument')).toContain('Input size must be at least 32x32');
    expect(msg(bb('DenseNet121', { include_top: false }, { options: FIRST }), 'invalid-layer-argument')).toContain('DenseNet does not support the `channels_first` image data format');
    expect(msg(bb('ConvNeXtTiny', { include_top: false }, { options: FIRST }), 'invalid-layer-argument')).toContain('ConvNeXt does not support');
    expect(msg(bb('NASNetMobile', { include_top: false, input_shape: tup(none, none, 3) }), 'invalid-layer-argument')).toContain('must be static (no None entries)');
  });

  it('a network that cannot be built for its input says which layer fails', () => {
    // input_tensor bypasses the minimum-size check: VGG16 on 16 → 8, 4, 2, 1, and block5_pool's 2×2 window no longer fits.
    const r = bb('VGG16', { include_top: false, weights: none }, { tensor: [null, 16, 16, 3] });
    expect(r.result.output).toBeNull();
    const m = msg(r, 'non-positive-dimension')!;
    expect(m).toContain("layer 'block5_pool'");
    expect(m).toContain('Computed output size would be zero or negative');
  });

  it('API', () => {
    expect(isBackbone('keras.applications.ResNet50')).toBe(true);
    expect(isBackbone('tf.keras.applications.resnet50.ResNet50')).toBe(true);
    expect(isBackbone('ResNet18')).toBe(false);
    expect(backboneSignature('MobileNetV2')[0]).toBe('input_shape');
    expect(backboneSignature('ResNet50')).toEqual(['include_top', 'weights', 'input_tensor', 'input_shape', 'pooling', 'classes', 'classifier_activation', 'name']);
    expect(backboneSignature('ConvNeXtTiny')[1]).toBe('include_preprocessing');
    expect(supportedBackbones()).toHaveLength(40);
    expect(applyBackbone('ResNet18', {}, undefined, LAST).result.unknownReason).toContain('not a keras.applications model');
  });
});

describe('closed forms over random input sizes (hand-derived, see the header)', () => {
  const size = fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 32, max: 300 }) }, { weight: 1, arbitrary: fc.constant(null) });
  // correct_pad (MobileNetV2, EfficientNet) with a None height uses adjust = (1, 1) on both
  // axes: pads (0, 1), so a known width then halves with floor instead of ceil; with a known
  // height and a None width Keras raises TypeError (None % 2), so nothing is computed.
  const cases: [string, (L: number) => number, number, ((W: number) => number)?][] = [
    ['ResNet50', (L) => ceil(L, 32), 2048],
    ['ResNet50V2', (L) => ceil(L, 32), 2048],
    ['MobileNetV2', (L) => ceil(L, 32), 1280, (W) => floor(floor(floor(floor(ceil(W, 2), 2), 2), 2), 2)],
    ['MobileNet', (L) => floor(floor(floor(floor(ceil(L, 2), 2), 2), 2), 2), 1024],
    ['EfficientNetB0', (L) => ceil(L, 32), 1280, (W) => floor(W, 32)],
    ['VGG16', (L) => floor(L, 32), 512],
    ['DenseNet121', (L) => floor(floor(floor(ceil(ceil(L, 2), 2), 2), 2), 2), 1024],
    ['ConvNeXtTiny', (L) => floor(floor(floor(floor(L, 4), 2), 2), 2), 768],
  ];
  for (const [name, f, C, noHeight] of cases) {
    it(`${name} (120 sizes)`, () => {
      fc.assert(
        fc.property(size, size, fc.boolean(), (H, W, cf) => {
          const shape = cf ? [3, H, W] : [H, W, 3];
          const r = bb(name, noTop(shape), { options: cf ? FIRST : LAST });
          if (cf && (name === 'DenseNet121' || name === 'ConvNeXtTiny')) {
            expect(r.result.output).toBeNull();
            return;
          }
          if (noHeight && H !== null && W === null) {
            expect(r.result.output).toBeNull();
            expect(r.result.unknownReason).toContain('TypeError');
            return;
          }
          const wf = noHeight && H === null ? noHeight : f;
          const hw = [H === null ? null : f(H), W === null ? null : wf(W)];
          expect(r.result.output).toEqual(cf ? [null, C, ...hw] : [null, ...hw, C]);
        }),
        runs(120, 300 + name.length),
      );
    });
  }

  it('ResNet50 stage outputs are ceil(L / 4), ceil(L / 8), ceil(L / 16), ceil(L / 32) (200 sizes)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 32, max: 500 }), (L) => {
        const r = bb('ResNet50', noTop([L, L, 3]));
        expect(r.namedOutputs.conv2_block3_out).toEqual([null, ceil(L, 4), ceil(L, 4), 256]);
        expect(r.namedOutputs.conv3_block4_out).toEqual([null, ceil(L, 8), ceil(L, 8), 512]);
        expect(r.namedOutputs.conv4_block6_out).toEqual([null, ceil(L, 16), ceil(L, 16), 1024]);
        expect(r.namedOutputs.conv5_block3_out).toEqual([null, ceil(L, 32), ceil(L, 32), 2048]);
      }),
      runs(200, 401),
    );
  });
});
