/** parseEngineOptions: the shared validator of engine options. */
import { describe, expect, it } from 'vitest';
import { ErrorCodes, KvsError } from '../../src/engine/errors.js';
import { parseEngineOptions } from '../../src/util/options.js';

const SPEC = {
  size: { type: 'integer', min: 1, unit: 'of bytes' },
  count: { type: 'integer', min: 0 },
  ratio: { type: 'integer', min: 2, max: 9 },
  fast: { type: 'boolean' },
} as const;

function error(raw: Record<string, unknown>): KvsError {
  try {
    parseEngineOptions('demo', raw, SPEC);
  } catch (err) {
    expect(err).toBeInstanceOf(KvsError);
    expect((err as KvsError).code).toBe(ErrorCodes.INVALID_ARGUMENT);
    return err as KvsError;
  }
  throw new Error('expected INVALID_ARGUMENT');
}

describe('parseEngineOptions', () => {
  it('returns the given options, typed, and leaves out the ones not given', () => {
    expect(parseEngineOptions('demo', { size: 4096, fast: false, count: 0 }, SPEC)).toEqual({ size: 4096, fast: false, count: 0 });
    expect(parseEngineOptions('demo', {}, SPEC)).toEqual({});
  });

  it('an unknown name is rejected with the list of known ones', () => {
    expect(error({ sise: 1 }).message).toBe('unknown demo option "sise"; known options: size, count, ratio, fast');
    expect(error({ toString: 1 }).message).toContain('unknown demo option "toString"'); // not fooled by Object.prototype
  });

  it('values out of range or of the wrong type name what the option accepts', () => {
    expect(error({ size: 0 }).message).toBe('demo option "size" must be a positive integer of bytes; got 0');
    expect(error({ count: -1 }).message).toBe('demo option "count" must be a non-negative integer; got -1');
    expect(error({ ratio: 10 }).message).toBe('demo option "ratio" must be an integer from 2 to 9; got 10');
    expect(error({ fast: 'yes' }).message).toBe('demo option "fast" must be true or false; got "yes"');
    expect(error({ size: 1.5 }).message).toContain('must be a positive integer');
    expect(error({ size: '4096' }).message).toContain('got "4096"');
    expect(error({ size: 2 ** 60 }).message).toContain('must be a positive integer');
  });
});
