// What the model calls of one run cost, per role. It lives with the LLM layer that measures it, so that
// layer needs nothing from the engine; the session holds a Usage and announces its changes.
import type { ModelRole } from './chatProvider';

export interface RoleUsage {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** Of `promptTokens`, those the server served from its prompt cache (0 when it does not say). */
  cachedPromptTokens: number;
  /** Predicted-output tokens the replies used and did not use (the rejected ones are billed). */
  acceptedPredictionTokens: number;
  rejectedPredictionTokens: number;
}
export type Usage = Record<ModelRole, RoleUsage>;

export function emptyUsage(): Usage {
  const zero = (): RoleUsage => ({ requests: 0, promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0, acceptedPredictionTokens: 0, rejectedPredictionTokens: 0 });
  return { planner: zero(), worker: zero(), verifier: zero() };
}

/** "worker 12 calls, 40,000 prompt tokens (30,000 cached), 2,000 completion; …" for logs. */
export function describeUsage(usage: Usage): string {
  const roles = (['planner', 'worker', 'verifier'] as const).filter((role) => usage[role].requests > 0);
  return roles
    .map((role) => {
      const u = usage[role];
      const predicted = u.acceptedPredictionTokens + u.rejectedPredictionTokens > 0 ? `, predictions ${u.acceptedPredictionTokens.toLocaleString('en-US')} accepted / ${u.rejectedPredictionTokens.toLocaleString('en-US')} rejected` : '';
      return `${role} ${u.requests} call${u.requests === 1 ? '' : 's'}, ${u.promptTokens.toLocaleString('en-US')} prompt tokens (${u.cachedPromptTokens.toLocaleString('en-US')} cached), ${u.completionTokens.toLocaleString('en-US')} completion${predicted}`;
    })
    .join('; ');
}
