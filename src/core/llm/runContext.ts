// What every model call of one run shares, added to each request on its way to the backend: the
// run's rate-limit deadline (a rate-limited call waits its turn until then instead of failing), the
// run's prompt-cache key, and the run's log (where the provider says why it waited or changed its
// in-flight cap). A wrapper, so the planner, workers and verifier need not pass any of it along.
import { randomUUID } from 'node:crypto';
import type { ChatProvider, ChatRequest } from './chatProvider';
import { registerProviderWrapper } from './providerIdentity';

export interface RunContext {
  /** Epoch ms after which a rate-limited call fails rather than waits. */
  deadline: number;
  log: (level: 'info' | 'warn', message: string) => void;
  /** Defaults to a fresh random key: one per run. */
  cacheKey?: string;
}

export function withRunContext(provider: ChatProvider, context: RunContext): ChatProvider {
  const cacheKey = context.cacheKey ?? `refactor-orchestrator-${randomUUID()}`;
  const wrapped: ChatProvider = {
    description: provider.description,
    complete(request: ChatRequest) {
      const log = request.log;
      return provider.complete({
        ...request,
        deadline: request.deadline ?? context.deadline,
        cacheKey: request.cacheKey ?? cacheKey,
        log: (level, message) => {
          log?.(level, message);
          context.log(level, message);
        },
      });
    },
  };
  registerProviderWrapper(wrapped, provider);
  return wrapped;
}
