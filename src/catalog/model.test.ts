import { describe, expect, it } from 'vitest';
import type { AppError } from '../kernel/errors.js';
import { checkStageMove, joulesPerTh, nextStage, sellability } from './model.js';

describe('catalog rules', () => {
  it('derives J/TH from watts and TH/s', () => {
    expect(joulesPerTh({ watts: 3420, ths: 90 })).toBe(38);
  });

  it('moves stages one step forward only, naming the allowed next stage', () => {
    expect(() => checkStageMove({ id: 'K510', stage: 'testing' }, 'pre-order')).not.toThrow();
    expect(() => checkStageMove({ id: 'K510', stage: 'testing' }, 'testing')).not.toThrow();
    const skip = (() => {
      try {
        checkStageMove({ id: 'K510', stage: 'testing' }, 'mass-production');
      } catch (e) {
        return e as AppError;
      }
    })();
    expect(skip?.kind).toBe('conflict');
    expect(skip?.code).toBe('catalog.stage-order');
    expect(skip?.message).toContain('pre-order');
    expect(() => checkStageMove({ id: 'A1246', stage: 'mass-production' }, 'testing')).toThrow(/end-of-life/);
    expect(() => checkStageMove({ id: 'A1026', stage: 'end-of-life' }, 'mass-production')).toThrow(
      /end of its life/,
    );
  });

  it('knows the stage order and what each stage allows sales to do', () => {
    expect(nextStage('development')).toBe('testing');
    expect(nextStage('end-of-life')).toBeUndefined();
    expect(sellability('pre-order')).toBe('pre-order');
    expect(sellability('testing')).toBe('not-yet');
    expect(sellability('end-of-life')).toBe('end-of-life');
  });
});
