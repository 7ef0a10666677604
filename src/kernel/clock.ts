/** Business time comes from a Clock so that tests and the demo company can pin it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can set and move; it never advances by itself. */
export class SettableClock implements Clock {
  private current: Date;
  constructor(iso = '2021-01-15T00:00:00Z') {
    this.current = new Date(iso);
  }
  now(): Date {
    return new Date(this.current);
  }
  set(iso: string): void {
    this.current = new Date(iso);
  }
}
