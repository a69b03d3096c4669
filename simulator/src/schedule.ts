/**
 * The rate schedule: slot k of a run at R events/s is due at `startMs + k * 1000 / R`. The runner asks
 * for the slots due now and sends one event per slot, with the slot's time as the event's createdAt
 * (its intended send time). Pure: time is passed in, so tests drive it with a fake clock.
 *
 * After a stall (a slow broker, a full send pipeline, a paused process) more slots are due than the
 * burst limit allows: the oldest are skipped and counted as shortfall, so the simulator catches up by
 * at most `burstLimit` events and never hides that it fell behind.
 */

export interface RateScheduleOptions {
  /** Slots per second (> 0). */
  ratePerSecond: number;
  /** Time of slot 0, in ms (any monotonic or epoch base, the same as the `nowMs` passed later). */
  startMs: number;
  /** The most overdue slots released at once (>= 1). */
  burstLimit: number;
  /** Slots in the whole schedule (default unlimited), e.g. floor(duration x rate). */
  totalSlots?: number;
}

/** A run of consecutive slots: `first`, `first + 1`, ..., `first + count - 1`. */
export interface SlotRun {
  first: number;
  count: number;
}

export class RateSchedule {
  readonly ratePerSecond: number;
  readonly startMs: number;
  readonly burstLimit: number;
  readonly totalSlots: number;
  /** Slots skipped because they were more than burstLimit overdue. */
  shortfall = 0;
  /** The next slot to release. */
  private next = 0;

  constructor(options: RateScheduleOptions) {
    if (!(options.ratePerSecond > 0) || !Number.isFinite(options.ratePerSecond)) {
      throw new RangeError('ratePerSecond must be > 0');
    }
    if (!Number.isInteger(options.burstLimit) || options.burstLimit < 1)
      throw new RangeError('burstLimit must be >= 1');
    this.ratePerSecond = options.ratePerSecond;
    this.startMs = options.startMs;
    this.burstLimit = options.burstLimit;
    this.totalSlots = options.totalSlots ?? Infinity;
  }

  /** Slots due by `nowMs` (released or not), capped at totalSlots. */
  dueBy(nowMs: number): number {
    if (nowMs < this.startMs) return 0;
    return Math.min(this.totalSlots, Math.floor(((nowMs - this.startMs) * this.ratePerSecond) / 1000) + 1);
  }

  /** Slots due and not yet released (after any skipping, at most burstLimit). */
  backlog(nowMs: number): number {
    return Math.min(this.burstLimit, Math.max(0, this.dueBy(nowMs) - this.next));
  }

  /**
   * Releases up to `max` due slots, oldest first. Slots more than `burstLimit` behind are skipped
   * first and added to `shortfall`.
   */
  take(nowMs: number, max = Infinity): SlotRun {
    const due = this.dueBy(nowMs);
    const overdue = due - this.next;
    if (overdue > this.burstLimit) {
      this.shortfall += overdue - this.burstLimit;
      this.next = due - this.burstLimit;
    }
    const count = Math.max(0, Math.min(max, due - this.next));
    const run = { first: this.next, count };
    this.next += count;
    return run;
  }

  /** When slot `slot` is due, in ms. */
  slotTimeMs(slot: number): number {
    return this.startMs + (slot * 1000) / this.ratePerSecond;
  }

  /** Milliseconds from `nowMs` until the next unreleased slot is due (0 if due now, Infinity if none left). */
  msUntilNext(nowMs: number): number {
    if (this.done) return Infinity;
    return Math.max(0, this.slotTimeMs(this.next) - nowMs);
  }

  /** True once every slot of a bounded schedule was released or skipped. */
  get done(): boolean {
    return this.next >= this.totalSlots;
  }

  /** Slots released so far (sent or to be sent). */
  get released(): number {
    return this.next - this.shortfall;
  }
}
