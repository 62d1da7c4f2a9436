// Argument normalisation (spec §1): standardize_tuple with allow_zero, wrong lengths, non-int
// items, zero/negative/huge values, floats and strings where ints are expected, padding and
// data_format strings, and unknown values (which make only their dependents unknown).
import { describe, expect, it } from 'vitest';
import { bool, codes, finding, float, int, layer, list, none, str, tup, unknown } from './helpers';

const conv = (args: Record<string, unknown>) => layer('Conv2D', { filters: 4, kernel_size: 3, ...args }, [null, 16, 16, 3]);
const message = (args: Record<string, unknown>): string => finding(conv(args), 'invalid-layer-argument')?.message ?? '';

describe('standardize_tuple', () => {
  it('int → repeated; tuple/list of n ints → as is', () => {
    expect(conv({ kernel_size: 5 }).output).toEqual([null, 12, 12, 4]);
    expect(conv({ kernel_size: list(5, 3) }).output).toEqual([null, 12, 14, 4]);
    expect(conv({ strides: tup(1, 2) }).output).toEqual([null, 14, 7, 4]);
  });

  it('a bool is an int to Python', () => {
    expect(conv({ strides: bool(true) }).output).toEqual([null, 14, 14, 4]);
  });

  it('wrong tuple length', () => {
    expect(message({ kernel_size: tup(3, 3, 3) })).toBe(
      'Keras raises ValueError: The `kernel_size` argument must be a tuple of 2 integers. Received kernel_size=(3, 3, 3).',
    );
    expect(message({ strides: list(2) })).toContain('The `strides` argument must be a tuple of 2 integers. Received strides=[2]');
  });

  it('zero and negative values (allow_zero=False)', () => {
    expect(message({ strides: tup(2, 0) })).toBe(
      'Keras raises ValueError: The `strides` argument must be a tuple of 2 integers. Received strides=(2, 0), including values {0} that do not satisfy `value > 0`.',
    );
    expect(message({ dilation_rate: -1 })).toContain('Received dilation_rate=-1, including values {-1} that do not satisfy `value > 0`');
    expect(message({ kernel_size: 0 })).toContain('including values {0}');
  });

  it('allow_zero=True for output_padding and pool strides', () => {
    const t = layer('Conv2DTranspose', { filters: 1, kernel_size: 3, strides: 2, output_padding: 0 }, [null, 4, 4, 1]);
    expect(codes(t)).toEqual([]);
  });

  it('non-int items: strings, None, nested tuples', () => {
    expect(message({ kernel_size: tup(3, str('3')) })).toContain("Received kernel_size=(3, '3'), including element '3' of type <class 'str'>");
    expect(message({ kernel_size: tup(3, none) })).toContain("including element None of type <class 'NoneType'>");
    expect(message({ kernel_size: tup(3, tup(1, 1)) })).toContain("including element (1, 1) of type <class 'tuple'>");
  });

  it('floats: a bare float fails tuple(), a float inside a tuple is let through by Keras and fails later', () => {
    expect(message({ kernel_size: float(3) })).toBe(
      'Keras raises ValueError: The `kernel_size` argument must be a tuple of 2 integers. Received kernel_size=3.0.',
    );
    const r = conv({ kernel_size: tup(3, float(2.5)) });
    expect(finding(r, 'invalid-layer-argument')!.message).toContain('contains the float 2.5');
    expect(r.output).toEqual([null, 14, null, 4]);
  });

  it('strings and None where ints are expected', () => {
    expect(message({ kernel_size: str('3') })).toContain("Received kernel_size='3'");
    expect(message({ strides: none })).toContain('Received strides=None');
  });

  it('huge values are reported instead of computed with', () => {
    expect(message({ kernel_size: int(2 ** 80) })).toContain('too large');
    expect(message({ strides: int(Infinity) })).toContain('too large');
    expect(finding(layer('Dense', { units: int(2 ** 70) }, [null, 3]), 'invalid-layer-argument')).toBeDefined();
  });

  it('unknown values: only dependents become unknown, no finding', () => {
    const r = conv({ kernel_size: tup(unknown, 3) });
    expect(r.output).toEqual([null, null, 14, 4]);
    expect(r.findings).toEqual([]);
    expect(conv({ dilation_rate: unknown }).output).toEqual([null, null, null, 4]);
    expect(conv({ padding: unknown }).output).toEqual([null, null, null, 4]);
    expect(conv({ padding: unknown }).findings).toEqual([]);
    const df = conv({ data_format: unknown });
    expect(df.output).toEqual([null, null, null, null]);
    expect(df.findings).toEqual([]);
  });
});

describe('padding and data_format strings', () => {
  it('conv padding is lower-cased; anything else is rejected with the allowed set', () => {
    expect(conv({ padding: 'Same' }).padding?.mode).toBe('same');
    expect(message({ padding: 'full' })).toBe(
      "Keras raises ValueError: The `padding` argument must be a list/tuple or one of {'valid', 'same'}. Received: full.",
    );
    expect(message({ padding: 'FULL' })).toContain('Received: full');
  });

  it('a padding tuple passes standardize_padding and fails in the shape function', () => {
    expect(message({ padding: tup(1, 1) })).toContain("`padding` must be either `'valid'` or `'same'`. Received (1, 1)");
  });

  it('a non-string padding fails .lower()', () => {
    expect(message({ padding: 1 })).toContain("AttributeError: 'int' object has no attribute 'lower'");
  });

  it('data_format: lower-cased, None means the configured default, others rejected', () => {
    expect(conv({ data_format: 'CHANNELS_LAST' }).output).toEqual([null, 14, 14, 4]);
    expect(conv({ data_format: none }).output).toEqual([null, 14, 14, 4]);
    expect(message({ data_format: 'channels_middle' })).toContain(
      "The `data_format` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=channels_middle",
    );
  });
});

describe('scalar arguments', () => {
  it('filters: positive int', () => {
    expect(message({ filters: 0 })).toContain('Invalid value for argument `filters`. Expected a strictly positive value. Received filters=0');
    expect(message({ filters: float(4) })).toContain('Received filters=4.0');
    expect(message({ filters: none })).toContain('Received filters=None');
  });

  it('several problems of one code become one finding mentioning all of them', () => {
    const r = conv({ kernel_size: 0, strides: tup(1, 2, 3), padding: 'full' });
    const f = r.findings.filter((x) => x.code === 'invalid-layer-argument');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain('kernel_size');
    expect(f[0]!.message).toContain('strides');
    expect(f[0]!.message).toContain('padding');
    expect(f[0]!.argument).toBe('kernel_size');
  });
});
