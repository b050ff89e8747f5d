// What the model calls of one run cost, per role. It lives with the LLM layer that measures it, so that
// layer needs nothing from the engine; the session holds a Usage and announces its changes.
import type { ModelRole } from './chatProvider';

export interface RoleUsage {
  requests: number;
  promptTokens: number;
  completionTokens: number;
}
export type Usage = Record<ModelRole, RoleUsage>;

export function emptyUsage(): Usage {
  const zero = (): RoleUsage => ({ requests: 0, promptTokens: 0, completionTokens: 0 });
  return { planner: zero(), worker: zero(), verifier: zero() };
}
