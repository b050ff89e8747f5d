// When and how long to wait before asking the model server again. The `openai` client has its own
// retry loop, but it sleeps without looking at the abort signal and obeys any Retry-After, however
// long: a cancel could then wait a minute (and keep the process alive), and a server asking for an
// hour would get it. So the provider runs the client with maxRetries 0 and retries here instead,
// with the same rules the client uses (408/409/429/5xx, x-should-retry, connection failures,
// retry-after-ms, Retry-After seconds or date, else exponential backoff with jitter).
import { APIConnectionError, APIError } from 'openai';

/** A server asking for a longer pause than this gets an error now rather than a silent wait. */
export const MAX_REQUESTED_WAIT_MS = 60_000;

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

const NO_RETRY: RetryDecision = { retry: false };

export function retryDecision(error: unknown, retriesDone: number, maxRetries: number): RetryDecision {
  if (retriesDone >= maxRetries) return NO_RETRY;
  if (error instanceof APIError && typeof error.status === 'number') {
    const status = error.status;
    const headers = error.headers as Headers | undefined;
    const serverSays = headers?.get('x-should-retry');
    if (serverSays === 'false') return NO_RETRY;
    // An exhausted quota answers 429 too, but waiting does not refill it.
    if (error.code === 'insufficient_quota') return NO_RETRY;
    const retryable = serverSays === 'true' || status === 408 || status === 409 || status === 429 || status >= 500;
    if (!retryable) return NO_RETRY;
    const requested = requestedWaitMs(headers);
    if (requested === undefined) return { retry: true, delayMs: backoffMs(retriesDone) };
    return requested <= MAX_REQUESTED_WAIT_MS ? { retry: true, delayMs: Math.max(0, requested) } : NO_RETRY;
  }
  // Refused, reset or timed out before the reply started (timeouts are connection errors too).
  if (error instanceof APIConnectionError) return { retry: true, delayMs: backoffMs(retriesDone) };
  return NO_RETRY;
}

/**
 * For a 429 that waiting can cure (not an exhausted quota, not "do not retry"): how long to wait
 * before asking again, as the server asked or with backoff. Undefined for any other error. Unlike
 * `retryDecision` this has no retry count: the caller bounds the waiting with a run deadline.
 */
export function rateLimitWaitMs(error: unknown, waitsDone: number): number | undefined {
  if (!(error instanceof APIError) || error.status !== 429) return undefined;
  const headers = error.headers as Headers | undefined;
  if (headers?.get('x-should-retry') === 'false' || error.code === 'insufficient_quota') return undefined;
  const requested = requestedWaitMs(headers);
  return requested === undefined ? backoffMs(waitsDone) : Math.max(0, requested);
}

function requestedWaitMs(headers: Headers | undefined): number | undefined {
  const milliseconds = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (!Number.isNaN(milliseconds)) return milliseconds;
  const retryAfter = headers?.get('retry-after');
  if (!retryAfter) return undefined;
  const seconds = Number.parseFloat(retryAfter);
  if (!Number.isNaN(seconds)) return seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : date - Date.now();
}

/** 0.5 s, 1 s, 2 s… up to 8 s, minus up to 25 % jitter so parallel workers do not retry in lockstep. */
function backoffMs(retriesDone: number): number {
  const seconds = Math.min(0.5 * 2 ** retriesDone, 8);
  return seconds * (1 - Math.random() * 0.25) * 1000;
}

/** Waits, but gives up at once (rejecting with the abort reason) when the signal fires. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortReason(signal));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** What a cancelled call rejects with: the signal's reason when it is an error, else an AbortError. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new DOMException('The model call was cancelled', 'AbortError');
}
