// Time as alerting sees it. Production uses the system clock and timers; tests
// use FakeClock and move time by hand, so `for: 1h` takes no hour to test.

export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Unix ms. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | null | undefined): void;
}

/** The system clock; `now` may be replaced (createAlerting's `now` option). */
export function systemClock(now: () => number = Date.now): Clock {
  const timers = new Map<number, NodeJS.Timeout>();
  let next = 1;
  return {
    now,
    setTimeout(fn, ms) {
      const id = next++;
      const t = setTimeout(
        () => {
          timers.delete(id);
          fn();
        },
        Math.max(0, ms),
      );
      t.unref?.();
      timers.set(id, t);
      return { id };
    },
    clearTimeout(handle) {
      if (!handle) return;
      const t = timers.get(handle.id);
      if (t) clearTimeout(t);
      timers.delete(handle.id);
    },
  };
}

interface FakeTimer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

/** A clock that moves only when told; timers run in time order inside `advance`. */
export class FakeClock implements Clock {
  private t: number;
  private timers: FakeTimer[] = [];
  private nextId = 1;
  /** Awaited after each timer runs, so async work it started finishes before the next (e.g. `alerting.idle`). */
  settle: () => Promise<void> = async () => {};

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.t + Math.max(0, ms), fn };
    this.timers.push(timer);
    return { id: timer.id };
  }

  clearTimeout(handle: TimerHandle | null | undefined): void {
    if (handle) this.timers = this.timers.filter((x) => x.id !== handle.id);
  }

  /** Timers waiting to run. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, running every timer that falls due, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      await this.settle();
      let due: FakeTimer | undefined;
      for (const x of this.timers)
        if (x.at <= target && (!due || x.at < due.at || (x.at === due.at && x.id < due.id))) due = x;
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = target;
    await this.settle();
  }
}
