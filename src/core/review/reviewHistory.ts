// History: a settled review (plan, proposals, findings, decisions) as a JSON document that can be saved
// and opened again later, without VS Code. The VS Code side stores these documents in the
// extension's workspace storage (src/vscode/review/reviewHistoryStore.ts). A saved review read back is
// untrusted input like model output: another process, a sync tool or a hand edit may have changed it,
// so it is parsed with zod, its sizes are capped and its paths checked with the same text rules as a
// model's; what does not parse is dropped. A reopened review never trusts the saved texts to match
// the disk: its opener compares every file with the disk first, and apply checks again.
import { z } from 'zod';
import { PERFORMERS, RefactorSession, type FileChangeState } from '../engine/session';
import { FileActionSchema, FileStatusSchema, FindingKindSchema, FindingSeveritySchema, FindingSourceSchema, PlanSchema, SpecialistSchema, type Finding } from '../schemas';
import { checkRelativePath } from '../workspace/paths';
import type { ReviewState } from './reviewState';

/** How many reviews a workspace keeps: the oldest goes when a newer one is saved. */
export const HISTORY_LIMIT = 20;
export const SAVED_REVIEW_VERSION = 1;
/** A saved review larger than this is neither written nor read (a file's text is capped by the run's maxFileBytes anyway). */
export const MAX_SAVED_REVIEW_BYTES = 32 * 1024 * 1024;
const MAX_TEXT = 8 * 1024 * 1024;
const MAX_FILES = 1000;
const MAX_FINDINGS = 5000;
const MAX_LINE = 4000;

/** Ids name files in the storage folder: nothing but a safe file name gets through. */
const HistoryIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/);
const line = z.string().max(MAX_LINE);
const text = z.string().max(MAX_TEXT);
const RelativePathSchema = z
  .string()
  .max(1024)
  .refine((path) => checkRelativePath(path).ok, { message: 'not a workspace-relative path' });

const SavedDecisionSchema = z.object({
  decision: z.enum(['pending', 'accepted', 'rejected', 'partial']),
  acceptedHunks: z.array(z.number().int().min(0)).max(100_000),
  applied: z.boolean(),
  appliedHunks: z.array(z.number().int().min(0)).max(100_000).optional(),
});
export type SavedDecision = z.infer<typeof SavedDecisionSchema>;

const SavedFileSchema = z.object({
  id: z.string().min(1).max(64),
  path: RelativePathSchema,
  action: FileActionSchema,
  movedFrom: RelativePathSchema.optional(),
  description: z.string().max(MAX_LINE * 4),
  specialist: SpecialistSchema,
  dependsOn: z.array(z.string().max(64)).max(MAX_FILES),
  status: FileStatusSchema,
  original: text.nullable(),
  proposed: text.nullable(),
  diff: text,
  summary: line.optional(),
  error: line.optional(),
  revisions: z.number().int().min(0).max(1000),
  addedBecause: line.optional(),
  performedBy: z.enum(PERFORMERS).optional(),
  moveOnly: z.literal(true).optional(),
  decision: SavedDecisionSchema,
});

const SavedFindingSchema = z.object({
  path: z.string().max(1024),
  line: z.number().int().min(0),
  severity: FindingSeveritySchema,
  kind: FindingKindSchema,
  message: line,
  relatedPaths: z.array(z.string().max(1024)).max(100),
  source: FindingSourceSchema.optional(),
  code: z.string().max(64).optional(),
});

const CompileCheckSchema = z.object({
  state: z.enum(['passed', 'errors', 'not-checked', 'stopped']),
  verdict: line,
  newErrors: z.number().int().min(0),
  files: z.number().int().min(0),
  typescript: z.string().max(200).optional(),
  durationMs: z.number().min(0).optional(),
});

export const SavedReviewSchema = z.object({
  version: z.literal(SAVED_REVIEW_VERSION),
  id: HistoryIdSchema,
  savedAt: z.number().int().min(0),
  request: z.string().min(1).max(MAX_LINE * 4),
  /** Only settled reviews are saved: a reopened review never pretends something is still running. */
  stage: z.enum(['done', 'failed', 'cancelled']),
  error: line.optional(),
  plan: PlanSchema.optional(),
  files: z.array(SavedFileSchema).max(MAX_FILES),
  findings: z.array(SavedFindingSchema).max(MAX_FINDINGS),
  compileCheck: CompileCheckSchema.optional(),
  languageServer: z.array(z.object({ level: z.enum(['info', 'warn']), message: line })).max(200).optional(),
  timings: z.object({ startedAt: z.number().min(0), finishedAt: z.number().min(0).optional() }),
});
export type SavedReview = z.infer<typeof SavedReviewSchema>;

/** One line of the history's index: what the quick pick shows without reading every review. */
export const HistoryEntrySchema = z.object({
  id: HistoryIdSchema,
  savedAt: z.number().int().min(0),
  request: z.string().max(MAX_LINE * 4),
  files: z.number().int().min(0),
  accepted: z.number().int().min(0),
  applied: z.number().int().min(0),
});
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;
const HistoryIndexSchema = z.object({ version: z.literal(SAVED_REVIEW_VERSION), entries: z.array(z.unknown()).max(1000) });

export function newHistoryId(now: number = Date.now(), random: () => number = Math.random): string {
  return `${now.toString(36)}-${Math.floor(random() * 36 ** 6).toString(36).padStart(6, '0')}`;
}

export function isHistoryId(id: string): boolean {
  return HistoryIdSchema.safeParse(id).success;
}

/** The review as it stands, or undefined while it is running (a half-done run is not history). */
export function snapshotReview(review: ReviewState, id: string, now: number = Date.now()): SavedReview | undefined {
  const { session } = review;
  if (review.running || (session.stage !== 'done' && session.stage !== 'failed' && session.stage !== 'cancelled')) return undefined;
  return {
    version: SAVED_REVIEW_VERSION,
    id,
    savedAt: now,
    request: session.request,
    stage: session.stage,
    ...(session.error ? { error: session.error.slice(0, MAX_LINE) } : {}),
    ...(session.plan ? { plan: session.plan } : {}),
    files: session.files.map((file) => ({
      id: file.id,
      path: file.path,
      action: file.action,
      description: file.description,
      specialist: file.specialist,
      dependsOn: file.dependsOn,
      status: file.status,
      original: file.original,
      proposed: file.proposed,
      diff: file.diff,
      ...(file.summary ? { summary: file.summary.slice(0, MAX_LINE) } : {}),
      ...(file.error ? { error: file.error.slice(0, MAX_LINE) } : {}),
      revisions: file.revisions,
      ...(file.addedBecause ? { addedBecause: file.addedBecause.slice(0, MAX_LINE) } : {}),
      ...(file.movedFrom ? { movedFrom: file.movedFrom } : {}),
      ...(file.performedBy ? { performedBy: file.performedBy } : {}),
      ...(file.moveOnly ? { moveOnly: true as const } : {}),
      decision: decisionOf(review, file.id),
    })),
    findings: session.findings.map((finding) => ({ ...finding, message: finding.message.slice(0, MAX_LINE) })),
    ...(session.compileCheck ? { compileCheck: { ...session.compileCheck, verdict: session.compileCheck.verdict.slice(0, MAX_LINE) } } : {}),
    ...(session.languageServerNotes.length > 0 ? { languageServer: session.languageServerNotes.slice(-200).map(({ level, message }) => ({ level, message: message.slice(0, MAX_LINE) })) } : {}),
    timings: { startedAt: session.timings.startedAt, ...(session.timings.finishedAt !== undefined ? { finishedAt: session.timings.finishedAt } : {}) },
  };
}

function decisionOf(review: ReviewState, id: string): SavedDecision {
  const appliedHunks = review.appliedHunks(id);
  return {
    decision: review.decision(id),
    acceptedHunks: review.acceptedHunkIds(id),
    applied: review.isApplied(id),
    ...(appliedHunks ? { appliedHunks: [...appliedHunks].sort((a, b) => a - b) } : {}),
  };
}

/** The index line for a saved review. */
export function historyEntry(saved: SavedReview): HistoryEntry {
  const accepted = saved.files.filter((file) => !file.decision.applied && (file.decision.decision === 'accepted' || file.decision.decision === 'partial')).length;
  return { id: saved.id, savedAt: saved.savedAt, request: saved.request, files: saved.files.length, accepted, applied: saved.files.filter((file) => file.decision.applied).length };
}

export type ParsedReview = { ok: true; review: SavedReview } | { ok: false; reason: string };

/** Reads a saved review back; anything that is not one (corrupt, too large, hostile paths) is refused with one reason. */
export function parseSavedReview(json: string): ParsedReview {
  if (json.length > MAX_SAVED_REVIEW_BYTES) return { ok: false, reason: `it is larger than ${MAX_SAVED_REVIEW_BYTES} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, reason: 'it is not JSON' };
  }
  const parsed = SavedReviewSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `${issue?.path.join('.') || 'the document'}: ${issue?.message ?? 'invalid'}` };
  }
  const ids = new Set(parsed.data.files.map((file) => file.id));
  if (ids.size !== parsed.data.files.length) return { ok: false, reason: 'two files share an id' };
  return { ok: true, review: parsed.data };
}

/** The index's entries, newest first; entries that do not parse are left out (and counted). */
export function parseHistoryIndex(json: string | undefined): { entries: HistoryEntry[]; dropped: number } {
  if (json === undefined) return { entries: [], dropped: 0 };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { entries: [], dropped: 1 };
  }
  const index = HistoryIndexSchema.safeParse(value);
  if (!index.success) return { entries: [], dropped: 1 };
  const entries: HistoryEntry[] = [];
  let dropped = 0;
  const seen = new Set<string>();
  for (const raw of index.data.entries) {
    const entry = HistoryEntrySchema.safeParse(raw);
    if (entry.success && !seen.has(entry.data.id)) {
      seen.add(entry.data.id);
      entries.push(entry.data);
    } else dropped++;
  }
  entries.sort((a, b) => b.savedAt - a.savedAt);
  return { entries: entries.slice(0, HISTORY_LIMIT), dropped: dropped + Math.max(0, entries.length - HISTORY_LIMIT) };
}

export function serializeHistoryIndex(entries: readonly HistoryEntry[]): string {
  return JSON.stringify({ version: SAVED_REVIEW_VERSION, entries });
}

/**
 * The "keep the last 20" rule: the saved review's entry goes first (replacing its earlier save), and
 * what falls past the limit is returned so its file can be deleted.
 */
export function addToHistory(entries: readonly HistoryEntry[], entry: HistoryEntry, limit: number = HISTORY_LIMIT): { entries: HistoryEntry[]; dropped: string[] } {
  const next = [entry, ...entries.filter((candidate) => candidate.id !== entry.id)].sort((a, b) => b.savedAt - a.savedAt);
  return { entries: next.slice(0, limit), dropped: next.slice(limit).map((candidate) => candidate.id) };
}

/** A settled session holding the saved review's plan, proposals and findings; nothing runs in it. */
export function restoreSession(saved: SavedReview): RefactorSession {
  const session = new RefactorSession(saved.request, saved.timings.startedAt);
  if (saved.timings.finishedAt !== undefined) session.timings.finishedAt = saved.timings.finishedAt;
  if (saved.plan) session.plan = saved.plan;
  session.files = saved.files.map(
    (file): FileChangeState => ({
      id: file.id,
      path: file.path,
      action: file.action,
      description: file.description,
      specialist: file.specialist,
      dependsOn: file.dependsOn,
      // A file still queued or working when it was saved never finished: it has nothing to review.
      status: file.status === 'queued' || file.status === 'working' ? 'cancelled' : file.status,
      original: file.action === 'create' ? null : file.original,
      proposed: file.action === 'delete' ? null : file.proposed,
      diff: file.diff,
      ...(file.summary ? { summary: file.summary } : {}),
      ...(file.error ? { error: file.error } : {}),
      revisions: file.revisions,
      findings: [],
      timings: {},
      ...(file.addedBecause ? { addedBecause: file.addedBecause } : {}),
      ...(file.movedFrom ? { movedFrom: file.movedFrom } : {}),
      ...(file.performedBy ? { performedBy: file.performedBy } : {}),
      ...(file.moveOnly ? { moveOnly: true as const } : {}),
    }),
  );
  if (saved.languageServer) session.languageServerNotes = saved.languageServer.map(({ level, message }) => ({ level, message }));
  session.setFindings(saved.findings.map((finding): Finding => ({ ...finding })));
  if (saved.compileCheck) session.compileCheck = saved.compileCheck;
  if (saved.error) session.error = saved.error;
  session.stage = saved.stage;
  return session;
}

/** Puts the saved decisions back onto a review of the restored session (hunk ids are recomputed from the same texts). */
export function restoreDecisions(review: ReviewState, saved: SavedReview): void {
  for (const file of saved.files) review.restoreDecision(file.id, file.decision);
}
