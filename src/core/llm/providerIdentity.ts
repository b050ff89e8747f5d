// Wrappers (usage metering, logging…) create new ChatProvider objects around the same backend. Things
// learned about a backend, such as "this server rejects json_schema", belong to the backend, so they
// are keyed by the innermost provider, found through this registry.
import type { ChatProvider } from './chatProvider';

const innerOf = new WeakMap<ChatProvider, ChatProvider>();

/** Declares that `wrapper` forwards to `inner`, so both count as the same backend. */
export function registerProviderWrapper(wrapper: ChatProvider, inner: ChatProvider): void {
  if (wrapper !== inner) innerOf.set(wrapper, inner);
}

/** The provider at the bottom of any chain of registered wrappers. */
export function underlyingProvider(provider: ChatProvider): ChatProvider {
  let current = provider;
  for (let next = innerOf.get(current); next !== undefined && next !== provider; next = innerOf.get(current)) current = next;
  return current;
}
