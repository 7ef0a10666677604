import { describe, expect, it } from 'vitest';
import { keptThroughCut } from './model.js';

describe('what a cut-off agent keeps sweeping', () => {
  it('keeps the sites no other live agent serves and leaves the others, naming who takes them', () => {
    const r = keptThroughCut(
      ['NA1', 'KZ1', 'SG1', 'US2'],
      ['NA1', 'KZ1', 'SG1'],
      [
        { agent: 'b', sites: ['NA1', 'XX1'] },
        { agent: 'c', sites: ['NA1'] },
      ],
    );
    expect(r).toEqual({ kept: ['KZ1', 'SG1'], left: [{ site: 'NA1', to: ['b', 'c'] }] });
  });

  it('keeps every site when it serves them alone, and none it had not served lately', () => {
    expect(keptThroughCut(['NA1', 'KZ1'], ['NA1'], [])).toEqual({ kept: ['NA1'], left: [] });
    expect(keptThroughCut(['NA1'], [], [{ agent: 'b', sites: ['NA1'] }])).toEqual({
      kept: [],
      left: [{ site: 'NA1', to: ['b'] }],
    });
  });
});
