/**
 * How long a miner is worth waiting for, learned from how long the fleet's recent polls took to
 * answer. A fixed read deadline must allow for the slowest network and the busiest collector, so a
 * silent or trickling miner holds its socket — and, in a sweep with no poll history (the first one
 * after registration), the end of the sweep — for all of it: 5 s where the healthy fleet answers
 * in tens of milliseconds. Learned from the answers themselves, the wait stretches on its own when
 * the collector or the network is slow, and never shrinks below a floor a LAN miner always meets.
 */

/** Answers remembered: enough that their 99th percentile is a fair "slow healthy answer". */
const WINDOW = 1000;
/** Before this many answers nothing is learned and the configured deadlines apply. */
const MIN_ANSWERS = 100;
/** The learned figures are recomputed every this many answers (a sort of WINDOW numbers). */
const EVERY = 100;
/**
 * A miner silent for this many times a slow recent answer (the 99th percentile) is not answering.
 * Not the slowest one: a single answer held up by the collector (a database write on the poller's
 * thread, a loaded machine) set the wait for the next hundred polls, up to the read deadline.
 */
const SLOW_MULTIPLE = 4;
const SLOW_PERCENTILE = 0.99;
/** A request waiting this many times the typical answer is waiting on its miner, not working. */
const TYPICAL_MULTIPLE = 2;
/**
 * Outcomes of learned waits remembered, and the share of them cut short past which nothing learned
 * is trusted: when the whole fleet turns slow (a congested link, a loaded collector), every wait
 * learned from its faster past times out, no answer comes to teach a longer one, and without this
 * the fleet would go offline miner by miner. Hostile miners alone (a tenth of the bench's fleet)
 * stay under it. While distrusted, the learned waits are still judged against the answers that
 * come (`cutBy`): once no more than a quarter of them would have cut an answer short, they are
 * trusted again — the slow answers have taught longer ones by then, or the fleet is fast again.
 */
const OUTCOMES = 100;
const MAX_CUT_SHARE = 0.25;

export interface LearnedWaits {
  /** How long to wait for the first byte after connecting, and then for the rest after it. */
  answerMs: number;
  /** When a request still unanswered leaves its main slot for the straggler lane. */
  slowAfterMs: number;
}

/**
 * Whether a wait of `answerMs` would have cut short an answer whose first byte came `firstByteMs`
 * after connecting and whose last came `lastByteMs` after.
 */
export function cutBy(answerMs: number, firstByteMs: number, lastByteMs: number): boolean {
  return firstByteMs > answerMs || lastByteMs - firstByteMs > answerMs;
}

export interface WaitLimits {
  /** The learned answer wait never goes below this. */
  answerFloorMs: number;
  /** The configured read deadline: nothing learned waits longer. */
  readTimeoutMs: number;
  /** The configured slow mark: nothing learned waits longer before leaving the main lane. */
  slowAfterMs: number;
}

export class AnswerTimes {
  private readonly ring = new Float64Array(WINDOW);
  private count = 0;
  private learned: { typicalMs: number; slowMs: number } | undefined;
  private readonly cut = new Uint8Array(OUTCOMES);
  private outcomes = 0;
  private cuts = 0;

  /** Whether a request given a learned wait was answered or cut short by it. */
  outcome(cutShort: boolean): void {
    const i = this.outcomes % OUTCOMES;
    this.cuts += Number(cutShort) - this.cut[i]!;
    this.cut[i] = Number(cutShort);
    this.outcomes++;
  }

  /** One complete answer, in ms from the connection to its last byte. */
  add(ms: number): void {
    this.ring[this.count % WINDOW] = ms;
    this.count++;
    if (this.count >= MIN_ANSWERS && this.count % EVERY === 0) {
      const sorted = this.ring.slice(0, Math.min(this.count, WINDOW)).sort();
      this.learned = {
        typicalMs: sorted[sorted.length >> 1]!,
        slowMs: sorted[Math.floor(SLOW_PERCENTILE * (sorted.length - 1))]!,
      };
    }
  }

  /** Whether enough answers have been seen to learn anything. */
  get learnedAny(): boolean {
    return this.learned !== undefined;
  }

  /** False past a quarter of the last outcomes cut short: the learned answer wait is then only judged, not used. */
  get trusted(): boolean {
    return this.cuts <= MAX_CUT_SHARE * OUTCOMES;
  }

  /**
   * The learned waits for a miner, undefined until enough answers have been seen. A miner's own last
   * answer (`ownAnswerMs`) counts beside the fleet's: one slower than most, whose answers have left
   * the window (or were never in it, or are the 1% past the percentile), is not cut short for being
   * in a fast fleet.
   */
  waits(limits: WaitLimits, ownAnswerMs = 0): LearnedWaits | undefined {
    if (this.learned === undefined) return undefined;
    const slowMs = Math.max(this.learned.slowMs, ownAnswerMs);
    return {
      answerMs: clamp(SLOW_MULTIPLE * slowMs, limits.answerFloorMs, limits.readTimeoutMs),
      slowAfterMs: clamp(TYPICAL_MULTIPLE * this.learned.typicalMs, 1, limits.slowAfterMs),
    };
  }
}

const clamp = (ms: number, low: number, high: number) => Math.min(high, Math.max(low, Math.ceil(ms)));
