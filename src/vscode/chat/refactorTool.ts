// A language-model tool, so an agent (Copilot's agent mode or any other) can start a refactoring.
// The tool plans and proposes; it never writes: the result tells the agent what was proposed and that
// the user decides in the review. Its input comes from a model, so it is validated like any reply,
// and scope paths pass the same path rules as a plan's.
import * as vscode from 'vscode';
import { z } from 'zod';
import { checkRelativePath } from '../../core/workspace/paths';
import { WorkspacePaths } from '../workspace/workspacePaths';
import type { RefactorRunner } from './refactorRunner';
import { summarizeRun } from './runSummary';

export const REFACTOR_TOOL_NAME = 'refactorOrchestrator_refactorAcrossFiles';

export const RefactorToolInputSchema = z.object({
  request: z.string().trim().min(3).max(4_000),
  scope: z.array(z.string().min(1).max(1_000)).max(200).optional(),
});
export type RefactorToolInput = z.infer<typeof RefactorToolInputSchema>;

export function registerRefactorTool(runner: RefactorRunner): vscode.Disposable {
  return vscode.lm.registerTool<RefactorToolInput>(REFACTOR_TOOL_NAME, {
    prepareInvocation(options) {
      const request = typeof options.input?.request === 'string' ? options.input.request : '';
      return {
        invocationMessage: `Planning a multi-file refactoring: “${request.slice(0, 200)}”. The proposed changes open in a review; nothing is written until you accept them.`,
      };
    },
    async invoke(options, token) {
      const parsed = RefactorToolInputSchema.safeParse(options.input);
      if (!parsed.success) return textResult(`Invalid input: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ')}. Give {"request": "<what to change>", "scope"?: ["<workspace-relative path>", …]}.`);
      const paths = WorkspacePaths.current();
      const scope: vscode.Uri[] = [];
      for (const entry of parsed.data.scope ?? []) {
        const checked = checkRelativePath(entry);
        const target = checked.ok ? paths.resolve(checked.path) : undefined;
        if (!checked.ok || !target) return textResult(`Refused scope path: ${checked.ok ? `${entry} is not inside a workspace folder` : checked.reason}. Nothing was run.`);
        scope.push(target.uri);
      }
      const onCancel = token.onCancellationRequested(() => runner.cancelRun());
      try {
        const review = await runner.refactor({ request: parsed.data.request, ...(scope.length > 0 ? { scope } : {}) });
        if (!review) return textResult('The refactoring did not start: the workspace may be untrusted or have no folder open, or another refactoring is running. Nothing was written.');
        return textResult(summarizeRun(review.session).text);
      } finally {
        onCancel.dispose();
      }
    },
  });
}

function textResult(text: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
}
