// Counts what the models cost, per role, as calls finish: the session shows it live and the CLI prints
// it at the end. A failed call still counts as a request (it may well have been billed); its tokens
// are unknown, so they count as zero.
import type { ChatProvider, ChatResponse } from './chatProvider';
import { emptyUsage, type Usage } from './usage';
import { registerProviderWrapper } from './providerIdentity';

export function meterUsage(provider: ChatProvider, onChange: (usage: Usage) => void): { provider: ChatProvider; usage(): Usage } {
  const totals = emptyUsage();
  const snapshot = (): Usage => ({ planner: { ...totals.planner }, worker: { ...totals.worker }, verifier: { ...totals.verifier } });
  const notify = (): void => {
    try {
      onChange(snapshot());
    } catch {
      // A broken observer must not turn a successful model call into a failed one.
    }
  };

  const metered: ChatProvider = {
    description: provider.description,
    async complete(request) {
      const counts = totals[request.role];
      let response: ChatResponse;
      try {
        response = await provider.complete(request);
      } catch (error) {
        counts.requests++;
        notify();
        throw error;
      }
      counts.requests++;
      counts.promptTokens += response.usage.promptTokens;
      counts.completionTokens += response.usage.completionTokens;
      counts.cachedPromptTokens += response.usage.cachedPromptTokens ?? 0;
      counts.acceptedPredictionTokens += response.usage.acceptedPredictionTokens ?? 0;
      counts.rejectedPredictionTokens += response.usage.rejectedPredictionTokens ?? 0;
      notify();
      return response;
    },
  };
  registerProviderWrapper(metered, provider);
  return { provider: metered, usage: snapshot };
}
