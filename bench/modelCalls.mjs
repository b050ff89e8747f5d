// Model calls as the benchmarks see them: the real OpenAI-compatible provider pointed at the loopback
// fake server, a wrapper that times every call, and the cost of one call, both as the stated model
// says (latency + tokens ÷ rate) and as measured alone on the same server.
import { createOpenAIProvider } from './out.mjs';

export function benchProvider(baseURL) {
  return createOpenAIProvider({ baseURL, apiKey: 'bench', models: { planner: 'bench-planner', worker: 'bench-worker', verifier: 'bench-verifier' }, timeoutMs: 120_000, maxRetries: 0 });
}

/** Wraps a provider so each call's start and end (performance.now()) are recorded, with its schema. */
export function timedProvider(inner) {
  const calls = [];
  return {
    calls,
    provider: {
      description: inner.description,
      async complete(request) {
        const call = { role: request.role, schema: request.jsonSchema?.name, file: fileNamed(request), start: performance.now(), end: NaN };
        calls.push(call);
        try {
          return await inner.complete(request);
        } finally {
          call.end = performance.now();
        }
      },
    },
  };
}

function fileNamed(request) {
  for (const message of request.messages) {
    const match = /^File: `([^`]+)`/m.exec(message.content);
    if (match) return match[1];
  }
  return undefined;
}

/** The stated model: a fixed latency, then the reply streamed at a fixed rate (the fake server's ~4 characters a token). */
export function nominalCallMs(model, replyChars, latencyFactor = 1) {
  return model.latencyMs * latencyFactor + (Math.ceil(replyChars / 4) / model.tokensPerSecond) * 1000;
}

/**
 * One call timed alone: the same provider, server and scripted reply the run uses, nothing else in
 * flight. `userContent` is what the script routes on (a worker prompt names its file).
 */
export async function timeCallAlone(provider, { role, schemaName, userContent }, repetitions) {
  const call = () =>
    provider.complete({
      role,
      messages: [{ role: 'user', content: userContent }],
      jsonSchema: { name: schemaName, schema: { type: 'object' } },
      signal: new AbortController().signal,
    });
  const times = [];
  for (let i = 0; i < repetitions; i++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  return median(times);
}

/** One untimed call first, so that connection setup and JIT warm-up are not counted as a call's cost. */
export async function warmUp(provider, request) {
  await timeCallAlone(provider, request, 1);
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
