/** Which reference lines a chart labels inside the drawing, and which it tells under it. */
import { describe, expect, it } from 'vitest';
import { placeLabels, type RefLine } from '../../web/src/charts.js';

const line = (y: number, label: string, axis?: 'left' | 'right'): RefLine => ({
  y,
  label,
  ...(axis ? { axis } : {}),
});
const labels = (lines: RefLine[], max: number) =>
  [...placeLabels(lines, () => max)].map((r) => r.label).sort();

describe('placeLabels', () => {
  it('labels every line far enough from the one above it', () => {
    expect(labels([line(0.2, 'a'), line(0.1, 'b'), line(0.02, 'c')], 0.22)).toEqual(['a', 'b', 'c']);
  });

  it("leaves unlabelled a line whose label would sit on the labelled one's (2022Q2's thresholds)", () => {
    // Four sites' curtailment lines a few tenths of a cent apart on an axis to $0.22.
    const lines = [
      line(0.0255, 'KZ1 A1246'),
      line(0.0453, 'NA1 A1166P'),
      line(0.041, 'NA1 A1246'),
      line(0.0282, 'KZ1 A1166P'),
    ];
    expect(labels(lines, 0.22)).toEqual(['KZ1 A1166P', 'NA1 A1166P']);
  });

  it('judges each axis on its own', () => {
    const lines = [line(10, 'left'), line(10, 'right', 'right')];
    expect(labels(lines, 100)).toEqual(['left', 'right']);
  });
});
