// Resizing and CenterCrop: both output (height, width) exactly; CenterCrop crops the centre when
// the input is at least as large on both axes and otherwise resizes (Keras' smart_resize).
// Keras treats a rank-3 input as one unbatched image (height, width, channels).
import type { AxisDetail, LayerResult, SymbolicDim, SymbolicShape } from '../types';
import { LayerContext } from '../context';
import { checkRank } from '../layout';
import { fmt, inputStep } from '../explain';
import { centerCropOffsets } from '../dim';

export function applyImageResize(ctx: LayerContext, kind: 'resize' | 'center_crop', input: SymbolicShape | null): LayerResult<SymbolicDim> {
  ctx.args.requireAll(['height', 'width']);
  const check = (n: number): string | undefined => (n <= 0 ? `${ctx.layer} needs a positive size; got ${n}.` : undefined);
  const h = ctx.args.raw('height') === undefined ? null : ctx.args.int('height', { check });
  const w = ctx.args.raw('width') === undefined ? null : ctx.args.int('width', { check });
  const format = ctx.args.dataFormat(ctx.options.defaultDataFormat);
  ctx.step(`${ctx.layer}: height=${fmt(h)}, width=${fmt(w)}, data_format=${format ?? 'unknown'}.`);
  if (h === null || w === null) ctx.unknown('the target height or width is not known');
  if (input === null) {
    ctx.unknown('the input shape is not known');
    return ctx.finish(null);
  }
  ctx.step(inputStep(input));
  if (!checkRank(ctx.layer, input, [4, 3], ctx.sink, '(a batch of images, or one unbatched image)')) {
    ctx.unknown(`${ctx.layer} cannot take a rank-${input.length} input`);
    return ctx.finish(null);
  }
  if (format === null) {
    ctx.unknown('the data_format is not known');
    return ctx.finish(input.map(() => null));
  }
  const batched = input.length === 4;
  if (!batched) ctx.step('A rank-3 input is one unbatched image: Keras resizes its first two image axes, not a batch axis.');
  const first = (batched ? 1 : 0) + (format === 'channels_first' ? 1 : 0);
  const hi = first;
  const wi = first + 1;
  const out: SymbolicShape = [...input];
  out[hi] = h;
  out[wi] = w;
  const H = input[hi] ?? null;
  const W = input[wi] ?? null;
  const axes: AxisDetail<SymbolicDim>[] = [
    { axis: hi, name: 'height', input: H, output: h, formula: `${fmt(H)} → ${fmt(h)}` },
    { axis: wi, name: 'width', input: W, output: w, formula: `${fmt(W)} → ${fmt(w)}` },
  ];
  if (kind === 'center_crop') {
    const oh = centerCropOffsets(H, h);
    const ow = centerCropOffsets(W, w);
    if (oh && ow) {
      axes[0]!.before = oh.before;
      axes[0]!.after = oh.after;
      axes[1]!.before = ow.before;
      axes[1]!.after = ow.after;
      axes[0]!.paddingFormula = `crop ${fmt(oh.before)} at the start, ${fmt(oh.after)} at the end`;
      axes[1]!.paddingFormula = `crop ${fmt(ow.before)} at the start, ${fmt(ow.after)} at the end`;
      ctx.padding = { mode: 'center', before: [oh.before, ow.before], after: [oh.after, ow.after], crop: true };
      ctx.step(`Center crop: height ${fmt(H)} - ${fmt(h)}, width ${fmt(W)} - ${fmt(w)} cells removed, the odd one at the end.`);
    } else {
      ctx.step('The input is smaller than the target on some axis, so CenterCrop resizes (smart_resize: crop to the aspect ratio, then resize) instead of cropping.');
    }
  } else {
    ctx.step('Resizing interpolates to exactly (height, width).');
  }
  ctx.axes = axes;
  return ctx.finish(out);
}
