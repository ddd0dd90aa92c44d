/** parseEngineOptions: the shared validator of engine options. */
import { describe, expect, it } from 'vitest';
import { ErrorCodes, KvsError } from '../../../src/engine/errors.js';
import { parseEngineOptions, resolveEngineOptions } from '../../../src/engines/shared/options.js';
import { openStore } from '../../../src/index.js';
import { tempStoreDir } from '../../support/temp-store-dir.js';

const SPEC = {
  size: { type: 'integer', min: 1, unit: 'of bytes' },
  count: { type: 'integer', min: 0 },
  ratio: { type: 'integer', min: 2, max: 9 },
  fast: { type: 'boolean' },
  share: { type: 'number', min: 0.01, max: 1 },
  name: { type: 'string', accepts: (v: string) => v !== '' && !v.includes(':'), description: 'a name without ":"' },
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
    expect(error({ sise: 1 }).message).toBe('unknown demo option "sise"; known options: size, count, ratio, fast, share, name');
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

describe('parseEngineOptions: numbers and strings', () => {
  it('a number option takes fractions within its range and nothing else', () => {
    expect(parseEngineOptions('demo', { share: 0.25 }, SPEC)).toEqual({ share: 0.25 });
    expect(error({ share: 0 }).message).toBe('demo option "share" must be a number from 0.01 to 1; got 0');
    expect(error({ share: Number.NaN }).message).toContain('must be a number from 0.01 to 1');
    expect(error({ share: '0.5' }).message).toContain('got "0.5"');
  });

  it('a string option is checked by its own rule and described in its own words', () => {
    expect(parseEngineOptions('demo', { name: 'app' }, SPEC)).toEqual({ name: 'app' });
    expect(error({ name: 'a:b' }).message).toBe('demo option "name" must be a name without ":"; got "a:b"');
    expect(error({ name: 7 }).message).toBe('demo option "name" must be a name without ":"; got 7');
  });
});

describe('resolveEngineOptions', () => {
  const defaults = { size: 4096, count: 0, ratio: 2, fast: true, share: 0.5, name: 'kvs' };

  it('fills in the defaults of the options not given, and keeps the given ones', () => {
    expect(resolveEngineOptions('demo', { ratio: 5 }, SPEC, defaults)).toEqual({ ...defaults, ratio: 5 });
    expect(resolveEngineOptions('demo', {}, SPEC, defaults)).toEqual(defaults);
  });

  it('every engine rejects an option named after an Object.prototype member', async () => {
    const dir = tempStoreDir('options');
    for (const engine of ['bitcask', 'lsm', 'sqlite']) {
      for (const bogus of ['constructor', 'toString', '__proto__']) {
        const options = JSON.parse(`{"${bogus}": 1}`) as Record<string, unknown>;
        await expect(openStore({ engine, dir: `${dir}/${engine}-${bogus}`, options })).rejects.toThrow(`unknown ${engine} option "${bogus}"`);
      }
    }
  });
});
