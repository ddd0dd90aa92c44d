/**
 * Engine traits in the registry: every built-in engine describes every aspect the benchmark's
 * verdict explains; registerEngine refuses an unknown aspect or an empty text and registers
 * nothing then.
 */
import { describe, expect, it } from 'vitest';
import { TRAIT_ASPECTS } from '../../src/engine/registry.js';
import { findEngine, listEngines, registerEngine, type EngineTraits } from '../../src/index.js';

const BUILT_IN = ['bitcask', 'lsm', 'memory', 'level', 'sqlite', 'lmdb', 'rocksdb', 'redis'];

describe('engine traits', () => {
  it('every built-in engine has a non-empty clause for every aspect, none ending in a full stop', () => {
    for (const name of BUILT_IN) {
      const traits = findEngine(name).traits ?? {};
      expect(Object.keys(traits).sort(), name).toEqual([...TRAIT_ASPECTS].sort());
      for (const text of Object.values(traits)) expect(text, name).toMatch(/^\S.*[^.\s]$/);
    }
  });

  it('an unknown aspect is INVALID_ARGUMENT naming the known ones, and the engine is not registered', () => {
    const traits = { read: 'fine', speed: 'very' } as unknown as EngineTraits;
    expect(() => registerEngine({ name: 'traits-unknown', summary: 'x', traits, load: async () => findEngine('memory').load() })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('unknown trait "speed"; traits are write, batch, sync') }),
    );
    expect(listEngines().map((e) => e.name)).not.toContain('traits-unknown');
  });

  it('an empty or non-string trait is INVALID_ARGUMENT', () => {
    for (const read of ['', '   ', 42]) {
      const traits = { read } as unknown as EngineTraits;
      expect(() => registerEngine({ name: 'traits-empty', summary: 'x', traits, load: async () => findEngine('memory').load() })).toThrow(/traits\.read must be a non-empty string/);
    }
    expect(listEngines().map((e) => e.name)).not.toContain('traits-empty');
  });

  it('an engine may register without traits, or with some of them', () => {
    registerEngine({ name: 'traits-none', summary: 'no traits', load: async () => findEngine('memory').load() });
    registerEngine({ name: 'traits-some', summary: 'some traits', traits: { scan: 'a scan reads one file' }, load: async () => findEngine('memory').load() });
    expect(findEngine('traits-none').traits).toBeUndefined();
    expect(findEngine('traits-some').traits).toEqual({ scan: 'a scan reads one file' });
  });
});
