import { describe, expect, it } from 'vitest';
import { AnswerTimes, cutBy } from './answer-times.js';

const LIMITS = { answerFloorMs: 200, readTimeoutMs: 5000, slowAfterMs: 1000 };

/** A client's answer times after `n` answers of `ms` each. */
function taught(n: number, ms: number): AnswerTimes {
  const times = new AnswerTimes();
  for (let i = 0; i < n; i++) times.add(ms);
  return times;
}

describe('learned waits', () => {
  it('learns nothing before a hundred answers, then four times the 99th percentile (at least the floor) and twice the typical', () => {
    expect(taught(99, 10).waits(LIMITS)).toBeUndefined();
    expect(taught(100, 10).waits(LIMITS)).toEqual({ answerMs: 200, slowAfterMs: 20 });
    const slower = taught(98, 10);
    for (let i = 0; i < 2; i++) slower.add(300);
    expect(slower.waits(LIMITS)).toEqual({ answerMs: 1200, slowAfterMs: 20 });
    expect(taught(100, 2000).waits(LIMITS)).toEqual({ answerMs: 5000, slowAfterMs: 1000 });
  });

  it('is not stretched to the read deadline by a few answers the collector held up', () => {
    // 5 of 1,000 answers took a second (the poller's thread busy writing): four times the slowest
    // would be 4 s for every miner for the next hundred polls.
    const times = taught(995, 10);
    for (let i = 0; i < 5; i++) times.add(1000);
    expect(times.waits(LIMITS)?.answerMs).toBe(200);
  });

  it("stretches a miner's wait to four times its own last answer, so a slow minority is not cut for a fast fleet", () => {
    const times = taught(1000, 10);
    expect(times.waits(LIMITS)?.answerMs).toBe(200);
    // Its last answer took 500 ms: a fleet of 10 ms answers would cut it at 200.
    expect(times.waits(LIMITS, 500)?.answerMs).toBe(2000);
    expect(times.waits(LIMITS, 3000)?.answerMs).toBe(5000); // never past the read deadline
    expect(times.waits(LIMITS, 5)?.answerMs).toBe(200);
  });

  it('judges an answer against a wait: its first byte, then the rest, each within it', () => {
    expect(cutBy(200, 50, 240)).toBe(false);
    expect(cutBy(200, 250, 260)).toBe(true); // began too late
    expect(cutBy(200, 50, 300)).toBe(true); // trickled too long after its first byte
  });

  it('stops trusting past a quarter of the last hundred outcomes cut short, and trusts again once they are not', () => {
    const times = taught(100, 10);
    for (let i = 0; i < 25; i++) times.outcome(true);
    expect(times.trusted).toBe(true);
    times.outcome(true);
    expect(times.trusted).toBe(false);
    // Judged while distrusted: answers a learned wait would not have cut push the cuts out of the
    // last hundred (26 cuts and 74 answers fill it; the next answer leaves 25 cuts in it).
    for (let i = 0; i < 74; i++) times.outcome(false);
    expect(times.trusted).toBe(false);
    times.outcome(false);
    expect(times.trusted).toBe(true);
  });
});
