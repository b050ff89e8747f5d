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

// Key order matters: strict json_schema replies follow it, and the plan is read while it streams, so
// the summary and renames (which every worker prompt carries) come before the changes.
export const PlanSchema = z.object({
  summary: z.string().describe('One or two sentences: the approach'),
  symbolRenames: z.array(SymbolRenameSchema).describe('Identifiers this refactor renames, so leftovers can be found; empty if none'),
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

export const FindingKindSchema = z.enum(['inconsistency', 'missing-change', 'conflict']);
export const FindingSeveritySchema = z.enum(['error', 'warning', 'info']);

export const FindingSchema = z.object({
  path: z.string().describe('Workspace-relative path of the file the finding concerns'),
  line: z.number().int().min(0).describe('1-based line in the proposed content; 0 when it concerns the whole file'),
  severity: FindingSeveritySchema,
  kind: FindingKindSchema,
  message: z.string().min(1),
  relatedPaths: z.array(z.string()).describe('Other files involved, e.g. the other side of a conflict'),
});
export type Finding = z.infer<typeof FindingSchema> & {
  /** Who found it: the verifier model or a deterministic check that needs no model. */
  source?: 'model' | 'check';
};

export const VerifierReportSchema = z.object({ findings: z.array(FindingSchema) });
export type VerifierReport = z.infer<typeof VerifierReportSchema>;
