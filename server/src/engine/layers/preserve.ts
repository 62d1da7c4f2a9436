// Layers whose output shape equals their input shape (activations, normalisation, dropout and
// noise, rescaling, masking, identity), with the few input checks Keras makes on them.
import type { LayerResult, SymbolicDim, SymbolicShape } from '../types';
import { LayerContext } from '../context';
import { kerasRaises } from '../findings';
import { checkRank, describeAxes } from '../layout';
import { inputStep } from '../explain';
import { intValue, isIntLike, repr } from '../py';

/** Exact input rank required (InputSpec ndim), where Keras fixes one. */
const FIXED_RANK: Record<string, number> = {
  SpatialDropout1D: 3,
  SpatialDropout2D: 4,
  SpatialDropout3D: 5,
};

const RATE_CHECKED = new Set(['Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D']);

export function applyPreserving(ctx: LayerContext, input: SymbolicShape | null): LayerResult<SymbolicDim> {
  const layer = ctx.layer;
  if (['SpatialDropout2D', 'SpatialDropout3D'].includes(layer)) ctx.args.dataFormat(ctx.options.defaultDataFormat);
  if (RATE_CHECKED.has(layer)) {
    ctx.args.requireAll(['rate']);
    const r = ctx.args.raw('rate');
    if (r && (r.kind === 'int' || r.kind === 'float') && !(r.value >= 0 && r.value <= 1)) {
      ctx.args.invalid(
        'rate',
        kerasRaises(`Invalid value received for argument \`rate\`. Expected a float value between 0 and 1. Received: rate=${repr(r)}`),
      );
    }
  }
  if (layer === 'ThresholdedReLU') {
    ctx.step('ThresholdedReLU exists only in tf.keras 2; Keras 3 removed it (use ReLU(threshold=...)).');
  }
  ctx.step(`${layer} keeps the shape of its input.`);
  if (input === null) {
    ctx.unknown('the input shape is not known');
    return ctx.finish(null);
  }
  ctx.step(inputStep(input));
  const rank = FIXED_RANK[layer];
  if (rank !== undefined && !checkRank(layer, input, rank, ctx.sink, layer === 'SpatialDropout1D' ? '(batch, steps, channels)' : describeAxes(rank - 2, null))) {
    ctx.unknown(`${layer} cannot take a rank-${input.length} input`);
    return ctx.finish(null);
  }
  if (layer === 'GroupNormalization') groupNormChecks(ctx, input);
  if (input.slice(1).some((d) => d === null)) ctx.unknown('some input dimensions are not known');
  return ctx.finish([...input]);
}

/** GroupNormalization.build: the grouped axis must be known and divisible by `groups`. */
function groupNormChecks(ctx: LayerContext, input: SymbolicShape): void {
  const g = ctx.args.raw('groups') ?? { kind: 'int', value: 32 };
  const a = ctx.args.raw('axis') ?? { kind: 'int', value: -1 };
  if (!isIntLike(g) || !isIntLike(a)) return;
  const axis = intValue(a);
  const idx = axis < 0 ? input.length + axis : axis;
  if (idx < 0 || idx >= input.length) {
    ctx.args.invalid('axis', `axis=${axis} is out of range for a rank-${input.length} input.`);
    return;
  }
  const dim = input[idx] ?? null;
  let groups = intValue(g);
  if (typeof dim !== 'number') return; // unknown or symbolic: Keras' build sees None
  if (groups === -1) groups = dim; // -1 means instance normalisation
  if (groups <= 0) return;
  if (dim < groups) {
    ctx.args.invalid(
      'groups',
      kerasRaises(
        `Number of groups (${groups}) cannot be more than the number of channels (${dim})`,
        'ValueError',
        ctx.args.raw('groups') === undefined ? 'GroupNormalization uses groups=32 unless told otherwise.' : undefined,
      ),
    );
  } else if (dim % groups !== 0) {
    ctx.args.invalid(
      'groups',
      kerasRaises(
        `Number of groups (${groups}) must be a multiple of the number of channels (${dim})`,
        'ValueError',
        `${dim} channels cannot be split into ${groups} equal groups.`,
      ),
    );
  }
}
