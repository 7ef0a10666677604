import type { Clock } from '../kernel/clock.js';
import type { FailureLimit } from './limits.js';

/**
 * Failed token attempts per client address, in fixed windows: the first failure opens a window of
 * `windowSeconds`; within it `limit` failures are answered 401 as usual and every further one 429,
 * with the seconds left in the window (Retry-After). A request with a good token is never counted
 * nor refused, from any address.
 *
 * A small limiter of our own rather than @fastify/rate-limit: that plugin counts every request a
 * route receives and decides before the handler runs; this one must count only the attempts that
 * failed authentication, which are known only after the token has been looked up. Its state is the
 * instance's own: `buildHttpApp` makes one per app, so two apps (or two tests) share nothing.
 */
export class FailedTokenAttempts {
  private readonly windows = new Map<string, { openedAt: number; failures: number }>();

  constructor(
    private readonly limit: FailureLimit,
    private readonly clock: Clock,
  ) {}

  /**
   * Counts one failed attempt from `address`. Returns 0 when it is within the limit (answer 401),
   * else the whole seconds until the address's window ends (answer 429 with that Retry-After).
   */
  failed(address: string): number {
    const now = this.clock.now().getTime();
    const windowMs = this.limit.windowSeconds * 1000;
    if (this.windows.size >= 1024) this.forgetEnded(now, windowMs);
    const open = this.windows.get(address);
    // A window that has ended, or one opened "later" after the clock was set back, starts afresh.
    if (!open || now - open.openedAt >= windowMs || now < open.openedAt) {
      this.windows.set(address, { openedAt: now, failures: 1 });
      return this.limit.limit >= 1 ? 0 : this.limit.windowSeconds;
    }
    if (open.failures < this.limit.limit) {
      open.failures += 1;
      return 0;
    }
    return Math.max(1, Math.ceil((open.openedAt + windowMs - now) / 1000));
  }

  /** Drops the windows that have ended, so that a scan from many addresses does not grow the map. */
  private forgetEnded(now: number, windowMs: number): void {
    for (const [address, w] of this.windows) {
      if (now - w.openedAt >= windowMs || now < w.openedAt) this.windows.delete(address);
    }
  }
}
