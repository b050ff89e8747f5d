// Every message between the review webview and the extension, as zod schemas both sides import. Each
// side validates what it receives and drops what does not parse: the webview renders model text, and
// a compromised or buggy webview must not be able to steer the extension. The webview names files only
// by the change ids the extension hands out, never by path, so it cannot point an action at a file
// that is not part of the review.
import { z } from 'zod';
import { ChangeActionSchema, FileActionSchema, FileStatusSchema, FindingKindSchema, FindingSeveritySchema, FindingSourceSchema, SessionStageSchema } from '../core/schemas';

const Text = z.string().max(200_000);
const Id = z.string().min(1).max(64);
const Count = z.number().int().min(0);

export const HunkSchema = z.object({
  id: Count,
  oldStart: Count,
  oldLines: Count,
  newStart: Count,
  newLines: Count,
  lines: z.array(z.string()),
});
export type HunkView = z.infer<typeof HunkSchema>;

export const FindingViewSchema = z.object({
  /** The change id of the file it concerns, when that file is part of the plan. */
  fileId: Id.optional(),
  path: Text,
  /** 1-based line in the proposed content; 0 for the whole file. */
  line: Count,
  severity: FindingSeveritySchema,
  kind: FindingKindSchema,
  message: Text,
  relatedPaths: z.array(Text),
  source: FindingSourceSchema.optional(),
  /** The compiler's code of a compile error, e.g. TS2345. */
  code: z.string().max(64).optional(),
});
export type FindingView = z.infer<typeof FindingViewSchema>;

/** What the user decided about one file: derived by the extension from its accepted hunks. */
export const ReviewDecisionSchema = z.enum(['pending', 'accepted', 'rejected', 'partial']);
export type ReviewDecision = z.infer<typeof ReviewDecisionSchema>;

/** Who made a file's proposal: the language server alone, a model, or a model on the server's rename. */
export const PerformedBySchema = z.enum(['language-server', 'model', 'both']);
export type PerformedByView = z.infer<typeof PerformedBySchema>;

export const FileViewSchema = z.object({
  id: Id,
  path: Text,
  action: FileActionSchema,
  /** For a move: the path the file moves from. */
  movedFrom: Text.optional(),
  description: Text,
  specialist: z.string().max(64),
  dependsOn: z.array(Id),
  status: FileStatusSchema,
  error: Text.optional(),
  revisions: Count,
  /** The file changed on disk or in an editor after the worker read it. */
  stale: z.boolean(),
  applied: z.boolean(),
  decision: ReviewDecisionSchema,
  acceptedHunks: z.array(Count),
  hunkCount: Count,
  /** Hunks can be chosen one by one (not for whole-file creates and deletes). */
  hunksSelectable: z.boolean(),
  added: Count,
  removed: Count,
  /** Bumped whenever the proposal changes, so the webview knows its cached hunks are outdated. */
  proposalVersion: Count,
  /** Absent until decided (or in a review from before the language server existed). */
  performedBy: PerformedBySchema.optional(),
  /** Why a file outside the original plan joined it (a language-server rename, a compile error). */
  addedBecause: Text.optional(),
});
export type FileView = z.infer<typeof FileViewSchema>;

const RoleUsageSchema = z.object({
  requests: Count,
  promptTokens: Count,
  completionTokens: Count,
  cachedPromptTokens: Count.optional(),
  acceptedPredictionTokens: Count.optional(),
  rejectedPredictionTokens: Count.optional(),
});
export const UsageViewSchema = z.object({ planner: RoleUsageSchema, worker: RoleUsageSchema, verifier: RoleUsageSchema });

export const SessionViewSchema = z.object({
  request: Text,
  stage: SessionStageSchema,
  error: Text.optional(),
  plan: z
    .object({
      summary: Text,
      changes: z.array(z.object({ id: Id, path: Text, action: ChangeActionSchema, description: Text, specialist: z.string().max(64), dependsOn: z.array(Id) })),
    })
    .optional(),
  usage: UsageViewSchema,
  /** Elapsed run time when sent; `running` tells the webview to keep counting. */
  elapsedMs: Count,
  running: z.boolean(),
  /** Apply is possible: the run has settled and at least one file has accepted changes. */
  canApply: z.boolean(),
  /** The run's closing synthesis (also the commit message), once it has settled. */
  synthesis: z.string().max(200_000).optional(),
  /**
   * Set when the run has settled with some planned files failed: applying the rest would leave the
   * refactoring half done, so Apply asks for a confirmation (`apply` with `allowPartial`).
   */
  partial: z.object({ planned: Count, failed: z.array(Text), summary: Text }).optional(),
  /** What the compile check says about the proposals, once it ran. */
  compileCheck: z.object({ state: z.enum(['passed', 'errors', 'not-checked', 'stopped']), verdict: Text }).optional(),
  /** Files outside the plan the check found broken, each offered with an "Add to refactor" button. */
  suggestions: z.array(z.object({ id: Id, path: Text, reason: Text })).optional(),
  /** What the language server did for the run: renames done, fallbacks to the models with their reason. */
  languageServer: z.array(z.object({ level: z.enum(['info', 'warn']), message: Text })).max(200).optional(),
});
export type SessionView = z.infer<typeof SessionViewSchema>;

export const ToWebviewSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('session'), session: SessionViewSchema }),
  z.object({ type: z.literal('file'), file: FileViewSchema }),
  z.object({ type: z.literal('hunks'), id: Id, proposalVersion: Count, hunks: z.array(HunkSchema) }),
  z.object({ type: z.literal('findings'), findings: z.array(FindingViewSchema) }),
  z.object({ type: z.literal('notice'), level: z.enum(['info', 'warning', 'error']), message: Text }),
]);
export type ToWebview = z.infer<typeof ToWebviewSchema>;

/** Strict objects: a message carrying anything extra (a path, say) is not one we sent the webview code for. */
export const FromWebviewSchema = z.discriminatedUnion('type', [
  /** The script loaded (or reloaded after being hidden): send the whole state. */
  z.strictObject({ type: z.literal('ready') }),
  z.strictObject({ type: z.literal('setFileDecision'), id: Id, decision: z.enum(['accepted', 'rejected']) }),
  z.strictObject({ type: z.literal('setHunkDecision'), id: Id, hunkId: Count, accepted: z.boolean() }),
  z.strictObject({ type: z.literal('setAllDecisions'), decision: z.enum(['accepted', 'rejected']) }),
  z.strictObject({ type: z.literal('openDiff'), id: Id, line: Count.optional() }),
  z.strictObject({ type: z.literal('openAllDiffs') }),
  z.strictObject({ type: z.literal('copyCommitMessage') }),
  z.strictObject({ type: z.literal('rerun'), id: Id }),
  /** `allowPartial`: the user confirmed applying although planned files failed. */
  z.strictObject({ type: z.literal('apply'), allowPartial: z.literal(true).optional() }),
  /** The accepted files and hunks as one unified diff, saved where the user picks. */
  z.strictObject({ type: z.literal('savePatch') }),
  /** Add a suggested file (by the suggestion's id) to the refactor. */
  z.strictObject({ type: z.literal('addSuggestion'), id: Id }),
  z.strictObject({ type: z.literal('cancelRun') }),
  z.strictObject({ type: z.literal('showLog') }),
]);
export type FromWebview = z.infer<typeof FromWebviewSchema>;

export type ParseResult<T> = { ok: true; message: T } | { ok: false; problem: string };

function parseWith<T>(schema: z.ZodType<T>, value: unknown): ParseResult<T> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return { ok: false, problem: `${issue?.message ?? 'invalid message'}${where}` };
}

export function parseFromWebview(value: unknown): ParseResult<FromWebview> {
  return parseWith(FromWebviewSchema, value);
}

export function parseToWebview(value: unknown): ParseResult<ToWebview> {
  return parseWith(ToWebviewSchema, value);
}

// What the review webview keeps across hide/show (getState/setState). It comes back from storage an
// earlier version of the script may have written, so it is validated like a message.

const CardUiStateSchema = z.object({ expanded: z.boolean(), lineBudget: z.number().int().min(1).max(10_000_000) });

export const SavedUiStateSchema = z.object({
  /** Per change id. */
  cards: z.record(z.string().min(1).max(64), CardUiStateSchema),
  /** Change ids whose diff size has been seen, so the collapsed-or-open default is not applied again. */
  sized: z.array(z.string().min(1).max(64)),
  /** Undefined until the user (or the default for the plan's length) has decided. */
  planOpen: z.boolean().optional(),
});
export type SavedUiState = z.infer<typeof SavedUiStateSchema>;
