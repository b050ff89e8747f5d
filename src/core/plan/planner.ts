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
import { PlanSchema, type Plan, type PlannedChange } from '../schemas';
import type { WorkspaceAccess } from '../workspace/workspace';
import { PlanStreamGate, PlanStreamScanner } from './planStream';

export interface PlanRequest {
  request: string;
  workspaceSummary: string;
  workspace: WorkspaceAccess;
  provider: ChatProvider;
  maxFiles: number;
  signal: AbortSignal;
  /** A language server will do the plan's renames and import updates (the planner is told so). */
  languageServer?: boolean;
  onDelta?: (text: string) => void;
  /**
   * While the first reply streams: each change that may start now (complete, checked on its own, its
   * dependencies handed on before it; see PlanStreamGate), with the plan as far as it has been read.
   */
  onStreamedChange?: (change: PlannedChange, partial: Plan) => void;
  /**
   * The changes handed on while streaming cannot stand: the first reply is invalid (a repair round
   * follows), or the final plan says something else about one of them. Resolves once they are stopped.
   */
  onStreamDiscarded?: () => Promise<void>;
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
  const messages = buildPlannerMessages(input.request, input.workspaceSummary, input.maxFiles, input.languageServer ?? false);
  let listing: Promise<string[]> | undefined;
  const context = {
    maxFiles: input.maxFiles,
    fileExists: fileExistsIn(input.workspace),
    // Listed once, when a move names a folder, however often validation asks.
    listedFiles: () => (listing ??= input.workspace.listFiles(input.signal).then((entries) => entries.map((entry) => entry.path))),
    languageServer: input.languageServer ?? false,
  };

  const streamed: PlannedChange[] = [];
  let streaming = input.onStreamedChange !== undefined;
  const gate = new PlanStreamGate(input.maxFiles, (change) => {
    streamed.push(change);
    input.onStreamedChange?.(change, gate.partial);
  });
  const scanner = new PlanStreamScanner(gate);
  const discard = async (): Promise<void> => {
    streaming = false;
    if (streamed.length > 0) await input.onStreamDiscarded?.();
    streamed.length = 0;
  };

  const first = await askPlanner(input, messages, {
    onDelta: (text) => {
      if (streaming) scanner.push(text);
    },
    // A repair round inside the structured request means the streamed reply was unusable.
    onAttempt: async (attempt) => {
      if (attempt > 1) await discard();
    },
  });
  const checked = await validatePlan(first, context);
  if (checked.ok) {
    // What was read while streaming must be what the whole reply says; anything else starts over.
    const final = new Map(checked.plan.changes.map((change) => [change.id, change]));
    if (!streamed.every((change) => sameChange(change, final.get(change.id)))) await discard();
    return checked.plan;
  }

  await discard();
  input.signal.throwIfAborted();
  const repaired = await askPlanner(input, buildPlanRepairMessages(messages, clipForRepair(first), checked.problems));
  const rechecked = await validatePlan(repaired, context);
  if (rechecked.ok) return rechecked.plan;
  throw new PlanRejectedError(rechecked.problems);
}

function askPlanner(
  input: PlanRequest,
  messages: Parameters<typeof buildPlanRepairMessages>[0],
  streaming: { onDelta: (text: string) => void; onAttempt: (attempt: number) => Promise<void> } | undefined = undefined,
): Promise<Plan> {
  const onDelta = (text: string): void => {
    streaming?.onDelta(text);
    input.onDelta?.(text);
  };
  return requestStructured({
    provider: input.provider,
    role: 'planner',
    schema: PlanSchema,
    schemaName: 'plan',
    messages,
    signal: input.signal,
    onDelta,
    ...(streaming ? { onAttempt: streaming.onAttempt } : {}),
  });
}

function sameChange(a: PlannedChange, b: PlannedChange | undefined): boolean {
  return (
    b !== undefined &&
    a.path === b.path &&
    a.action === b.action &&
    a.description === b.description &&
    a.specialist === b.specialist &&
    a.dependsOn.length === b.dependsOn.length &&
    a.dependsOn.every((id, i) => b.dependsOn[i] === id)
  );
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
