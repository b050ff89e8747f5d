// One in-flight cap per endpoint and model, shared by every call of a provider (all workers, the
// planner and the verifier), that adapts to what the server accepts: additive increase,
// multiplicative decrease. Without it each worker backs off on its own, and eight workers against a
// server that serves three keep knocking at once until some run out of retries and their files fail.
//
// - A 429 halves the cap (at least 1), from what was actually in flight; the 429s of the same burst
//   (calls that started before the cut) do not cut again.
// - After `cap` calls in a row succeed (one clean window), the cap grows by one, up to the most calls
//   ever seen in flight at once, where it is lifted again.
// - `x-ratelimit-remaining-{requests,tokens}` and `x-ratelimit-reset-*`, where a server sends them
//   (OpenAI, Azure), hold back a call the server has already said it would refuse, until the reset.
// The scheduler's concurrency setting stays the upper bound: the limiter only ever lowers it.

export interface LimiterChange {
  from: number | undefined;
  to: number | undefined;
  reason: string;
}

export interface Permit {
  /** Call when the call is over; `ok` when it succeeded (counts toward the next increase). */
  release(outcome: 'ok' | 'rate-limited' | 'other'): LimiterChange | undefined;
}

export interface LimiterOptions {
  now?: () => number;
}

interface Waiter {
  tokens: number;
  resolve: (permit: Permit) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal;
  onAbort: () => void;
}

interface Budget {
  remaining: number;
  resetAt: number;
}

export class AdaptiveLimiter {
  /** Undefined: no cap of its own yet (only the scheduler's). */
  private cap: number | undefined;
  private inFlight = 0;
  private peak = 0;
  /** Bumped whenever the cap changes: a permit remembers which cap it was granted under. */
  private generation = 0;
  private successesSinceChange = 0;
  private readonly queue: Waiter[] = [];
  private requests: Budget | undefined;
  private tokens: Budget | undefined;
  private wakeTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(options: LimiterOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** The current cap, for logs and tests; undefined while uncapped. */
  get currentCap(): number | undefined {
    return this.cap;
  }

  get active(): number {
    return this.inFlight;
  }

  /** Waits for a slot (FIFO); `tokens` is the call's estimated prompt size, for the token budget. */
  acquire(tokens: number, signal: AbortSignal): Promise<Permit> {
    signal.throwIfAborted();
    return new Promise<Permit>((resolve, reject) => {
      const waiter: Waiter = {
        tokens,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.queue.indexOf(waiter);
          if (index >= 0) this.queue.splice(index, 1);
          reject(signal.reason instanceof Error ? signal.reason : new DOMException('The model call was cancelled', 'AbortError'));
          this.pump();
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.queue.push(waiter);
      this.pump();
    });
  }

  /**
   * What the server said about its budget in the response headers. Only the reset of an exhausted
   * budget matters: the limiter counts down itself between responses.
   */
  observeHeaders(headers: { get(name: string): string | null }): void {
    const now = this.now();
    const read = (kind: 'requests' | 'tokens'): Budget | undefined => {
      const remaining = Number.parseInt(headers.get(`x-ratelimit-remaining-${kind}`) ?? '', 10);
      if (Number.isNaN(remaining)) return undefined;
      const reset = parseResetDuration(headers.get(`x-ratelimit-reset-${kind}`));
      // Without a reset time, assume a budget refills within a second rather than block for long.
      return { remaining, resetAt: now + (reset ?? 1000) };
    };
    this.requests = read('requests') ?? this.requests;
    this.tokens = read('tokens') ?? this.tokens;
    this.pump();
  }

  private grant(waiter: Waiter): void {
    waiter.signal.removeEventListener('abort', waiter.onAbort);
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    if (this.requests) this.requests.remaining--;
    if (this.tokens) this.tokens.remaining -= waiter.tokens;
    const epoch = this.generation;
    let released = false;
    waiter.resolve({
      release: (outcome) => {
        if (released) return undefined;
        released = true;
        this.inFlight--;
        const change = this.settle(outcome, epoch);
        this.pump();
        return change;
      },
    });
  }

  private settle(outcome: 'ok' | 'rate-limited' | 'other', epoch: number): LimiterChange | undefined {
    if (outcome === 'rate-limited') {
      // The rest of a burst that was already in flight when the cap was cut says nothing new.
      if (epoch !== this.generation) return undefined;
      const from = this.cap;
      const base = Math.min(this.cap ?? Number.POSITIVE_INFINITY, this.inFlight + 1);
      this.cap = Math.max(1, Math.floor(base / 2));
      this.generation++;
      this.successesSinceChange = 0;
      if (from === this.cap) return undefined;
      return { from, to: this.cap, reason: `the server answered 429 (rate limited) with ${this.inFlight + 1} in flight` };
    }
    // Only calls started under the current cap say that this cap is safe.
    if (outcome !== 'ok' || this.cap === undefined || epoch !== this.generation) return undefined;
    this.successesSinceChange++;
    if (this.successesSinceChange < this.cap) return undefined;
    const from = this.cap;
    this.successesSinceChange = 0;
    const clean = `${from} call${from === 1 ? '' : 's'} in a row succeeded`;
    if (from + 1 >= this.peak) {
      this.cap = undefined;
      this.generation++;
      return { from, to: undefined, reason: `${clean}; back to the full concurrency` };
    }
    this.cap = from + 1;
    this.generation++;
    return { from, to: this.cap, reason: clean };
  }

  private pump(): void {
    clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    const now = this.now();
    if (this.requests && now >= this.requests.resetAt) this.requests = undefined;
    if (this.tokens && now >= this.tokens.resetAt) this.tokens = undefined;
    while (this.queue.length > 0 && (this.cap === undefined || this.inFlight < this.cap)) {
      const next = this.queue[0];
      if (!next) break;
      const blockedUntil = this.blockedUntil(next.tokens);
      if (blockedUntil !== undefined) {
        // Hold the queue (FIFO) until the server's budget resets; the timer does not keep Node alive.
        this.wakeTimer = setTimeout(() => this.pump(), Math.max(1, blockedUntil - now));
        this.wakeTimer.unref();
        return;
      }
      this.queue.shift();
      this.grant(next);
    }
  }

  /** When the server's own budget would refuse this call, the time it resets; else undefined. */
  private blockedUntil(tokens: number): number | undefined {
    // With nothing in flight, a call is sent anyway: a stale or odd header must never stall a run.
    if (this.inFlight === 0) return undefined;
    if (this.requests && this.requests.remaining <= 0) return this.requests.resetAt;
    if (this.tokens && this.tokens.remaining < tokens) return this.tokens.resetAt;
    return undefined;
  }
}

/** OpenAI's reset durations: "1s", "6m0s", "20ms", "1h2m3.5s"; a bare number is seconds. */
export function parseResetDuration(text: string | null): number | undefined {
  if (text === null || text.trim() === '') return undefined;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number.parseFloat(trimmed) * 1000;
  const unitMs: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  let matched = '';
  for (const match of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    total += Number.parseFloat(match[1] ?? '0') * (unitMs[match[2] ?? 's'] ?? 0);
    matched += match[0];
  }
  return matched === trimmed ? total : undefined;
}

/** "8" or "none" for logs. */
export function describeCap(cap: number | undefined): string {
  return cap === undefined ? 'the full concurrency' : String(cap);
}
