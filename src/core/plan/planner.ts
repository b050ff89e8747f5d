// Step 1: the planner model turns the request and a workspace summary into a plan, which is then
// validated (paths confined to the workspace, no secrets, no cycles, files exist, a cap on size).
// A plan with problems gets exactly one repair round with the problems quoted back; a plan that is
// still wrong fails the run with every problem listed, because guessing a fix would mean editing
// files nobody asked for.
import type { ChatProvider } from '../llm/chatProvider';
import { requestStructured } from '../llm/structuredOutput';
import { checkRelativePath, PathRejectedError } from '../workspace/paths';
import { clipForRepair, validatePlan } from './planValidation';
import { buildPlannerMessages, buildPlanRepairMessages } from '../prompts';
import { PlanSchema, type Plan } from '../schemas';
import type { WorkspaceAccess } from '../workspace/workspace';

export interface PlanRequest {
  request: string;
  workspaceSummary: string;
  workspace: WorkspaceAccess;
  provider: ChatProvider;
  maxFiles: number;
  signal: AbortSignal;
  onDelta?: (text: string) => void;
}

/** The plan was still invalid after the repair round. */
export class PlanRejectedError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`The planner's plan was invalid after one repair round: ${problems.map((p) => p.replace(/\.$/, '')).join('; ')}.`);
    this.name = 'PlanRejectedError';
    this.problems = problems;
  }
}

export async function planRefactor(input: PlanRequest): Promise<Plan> {
  const messages = buildPlannerMessages(input.request, input.workspaceSummary, input.maxFiles);
  const context = { maxFiles: input.maxFiles, fileExists: fileExistsIn(input.workspace) };

  const first = await askPlanner(input, messages);
  const checked = await validatePlan(first, context);
  if (checked.ok) return checked.plan;

  input.signal.throwIfAborted();
  const repaired = await askPlanner(input, buildPlanRepairMessages(messages, clipForRepair(first), checked.problems));
  const rechecked = await validatePlan(repaired, context);
  if (rechecked.ok) return rechecked.plan;
  throw new PlanRejectedError(rechecked.problems);
}

function askPlanner(input: PlanRequest, messages: Parameters<typeof buildPlanRepairMessages>[0]): Promise<Plan> {
  return requestStructured({
    provider: input.provider,
    role: 'planner',
    schema: PlanSchema,
    schemaName: 'plan',
    messages,
    signal: input.signal,
    ...(input.onDelta ? { onDelta: input.onDelta } : {}),
  });
}

/** Existence as the workspace sees it (unsaved editors included); a file it cannot read still exists. */
function fileExistsIn(workspace: WorkspaceAccess): (path: string) => Promise<boolean> {
  return async (path) => {
    // Validation rejects unsafe paths itself; never even look such a path up.
    if (!checkRelativePath(path).ok) return false;
    try {
      return (await workspace.readText(path)) !== undefined;
    } catch (error) {
      if (error instanceof PathRejectedError) throw error;
      return true;
    }
  };
}
