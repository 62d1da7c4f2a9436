// fast-check settings shared by the property tests. The seed is fixed so every run checks the
// same configurations (fast-check prints seed and path on failure to replay it); set
// SHAPEWISE_FC_SEED to explore other seeds.
import fc from 'fast-check';

const envSeed = process.env.SHAPEWISE_FC_SEED;
export const FC_SEED = envSeed !== undefined && envSeed !== '' ? Number(envSeed) : 20240611;

export function runs(numRuns: number, salt: number): fc.Parameters<unknown> {
  return { numRuns, seed: FC_SEED + salt, endOnFailure: false };
}

/** An input length: mostly known, sometimes unknown (None). */
export function lengthArb(min: number, max: number, unknownWeight = 1): fc.Arbitrary<number | null> {
  return fc.oneof(
    { weight: 10, arbitrary: fc.integer({ min, max }) },
    { weight: unknownWeight, arbitrary: fc.constant(null) },
  );
}

export function tupleArb<T>(arb: fc.Arbitrary<T>, n: number): fc.Arbitrary<T[]> {
  return fc.array(arb, { minLength: n, maxLength: n });
}

export { fc };
