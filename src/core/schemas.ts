// The shapes the models must produce. Every reply is parsed against these before anything uses it:
// model output is untrusted input. Types elsewhere are inferred from here (one source of truth).
// The schemas stay within what OpenAI's strict `json_schema` mode accepts: every property required,
// no defaults, no open-ended records.
import { z } from 'zod';

export const ChangeActionSchema = z.enum(['modify', 'create', 'delete']);
export type ChangeAction = z.infer<typeof ChangeActionSchema>;

/** The kind of worker a change needs; each has its own system prompt. */
export const SpecialistSchema = z.enum(['rename', 'extract', 'api-migration', 'types', 'tests', 'docs', 'config', 'general']);
export type Specialist = z.infer<typeof SpecialistSchema>;

export const PlannedChangeSchema = z.object({
  id: z.string().min(1).max(64).describe('Short unique id for this change, e.g. "c1"'),
  path: z.string().min(1).max(1024).describe('Workspace-relative path with forward slashes'),
  action: ChangeActionSchema,
  description: z.string().min(1).max(4000).describe('What must change in this file, specific enough for a worker who sees only this file'),
  specialist: SpecialistSchema,
  dependsOn: z.array(z.string()).describe('Ids of changes whose results this change needs to see first'),
});
export type PlannedChange = z.infer<typeof PlannedChangeSchema>;

export const SymbolRenameSchema = z.object({ from: z.string().min(1), to: z.string().min(1) });
export type SymbolRename = z.infer<typeof SymbolRenameSchema>;

export const FileMoveSchema = z.object({
  from: z.string().min(1).max(1024).describe('Workspace-relative path of the file as it is'),
  to: z.string().min(1).max(1024).describe('Workspace-relative path it moves to'),
});
export type FileMove = z.infer<typeof FileMoveSchema>;

// Key order matters: strict json_schema replies follow it, and the plan is read while it streams, so
// the summary and renames (which every worker prompt carries) come before the changes.
export const PlanSchema = z.object({
  summary: z.string().describe('One or two sentences: the approach'),
  symbolRenames: z.array(SymbolRenameSchema).describe('Identifiers this refactor renames, so leftovers can be found; empty if none'),
  // Required in what the model is asked for (the default is stripped from the strict schema); the
  // default only lets plans written before moves existed (stored reviews, prompted JSON) still parse.
  fileMoves: z
    .array(FileMoveSchema)
    .default([])
    .describe('Files this refactor moves or renames; the language server updates the imports that point at them; empty if none'),
  changes: z.array(PlannedChangeSchema).describe('Dependencies before their dependents'),
});
export type Plan = z.infer<typeof PlanSchema>;

/** A worker's reply when it rewrites the whole file (small files). */
export const WholeFileReplySchema = z.object({
  content: z.string().describe('The complete new content of the file, nothing elided'),
  summary: z.string().describe('One line: what changed'),
});
export type WholeFileReply = z.infer<typeof WholeFileReplySchema>;

export const SearchReplaceEditSchema = z.object({
  search: z.string().describe('Exact lines copied from the current file, enough to be unique'),
  replace: z.string().describe('The lines that replace them'),
});
export type SearchReplaceEdit = z.infer<typeof SearchReplaceEditSchema>;

/** A worker's reply as search/replace blocks (large files). */
export const SearchReplaceReplySchema = z.object({
  edits: z.array(SearchReplaceEditSchema),
  summary: z.string().describe('One line: what changed'),
});
export type SearchReplaceReply = z.infer<typeof SearchReplaceReplySchema>;

/** Kinds the verifier model may report. */
export const ModelFindingKindSchema = z.enum(['inconsistency', 'missing-change', 'conflict']);
/** Every kind a finding can have: `compile-error` comes only from the compiler, never from a model. */
export const FindingKindSchema = z.enum([...ModelFindingKindSchema.options, 'compile-error']);
export type FindingKind = z.infer<typeof FindingKindSchema>;
export const FindingSeveritySchema = z.enum(['error', 'warning', 'info']);

export const FindingSchema = z.object({
  path: z.string().describe('Workspace-relative path of the file the finding concerns'),
  line: z.number().int().min(0).describe('1-based line in the proposed content; 0 when it concerns the whole file'),
  severity: FindingSeveritySchema,
  kind: ModelFindingKindSchema,
  message: z.string().min(1),
  relatedPaths: z.array(z.string()).describe('Other files involved, e.g. the other side of a conflict'),
});
/** Who found it: the verifier model or a deterministic check that needs no model (the compiler included). */
export const FindingSourceSchema = z.enum(['model', 'check']);
export type Finding = Omit<z.infer<typeof FindingSchema>, 'kind'> & {
  kind: FindingKind;
  source?: z.infer<typeof FindingSourceSchema>;
  /** The compiler's code for a compile error, e.g. `TS2345` or `JSON-CommaExpected`. */
  code?: string;
};

export const VerifierReportSchema = z.object({ findings: z.array(FindingSchema) });
export type VerifierReport = z.infer<typeof VerifierReportSchema>;

// Not model shapes, but enums that cross into the review webview: the protocol imports them from here
// rather than declaring them again, so the engine and the webview cannot drift apart.

/** Where one planned file is. A file edited under review is "stale", but that is the review's state
 *  (it needs an editor to notice), not a stage of the run, so it is no status here. */
/** What a file of the run does: a planned action, or a move (the plan's fileMoves, one file each). */
export const FileActionSchema = z.enum([...ChangeActionSchema.options, 'move']);
export type FileAction = z.infer<typeof FileActionSchema>;

export const FileStatusSchema = z.enum(['queued', 'working', 'proposed', 'failed', 'cancelled']);
export type FileStatus = z.infer<typeof FileStatusSchema>;

export const SessionStageSchema = z.enum(['reading', 'planning', 'working', 'verifying', 'revising', 'done', 'failed', 'cancelled']);
export type SessionStage = z.infer<typeof SessionStageSchema>;
