// The orchestrator-workers pipeline: read → plan → workers (dependency graph, concurrency cap) →
// verify (model + deterministic checks) → bounded revision → verify again. Everything it learns lands
// in a RefactorSession that observers subscribe to. The core never writes files: proposals wait for
// the user (review panel) or for the CLI's explicit --apply.
import { runConsistencyChecks } from '../verify/consistencyChecks';
import type { ChatProvider } from '../llm/chatProvider';
import { describeModelError } from '../llm/modelErrors';
import { withRunContext } from '../llm/runContext';
import { meterUsage } from '../llm/usageMeter';
import { PlanRejectedError, planRefactor } from '../plan/planner';
import { LANGUAGE_SERVER_DONE, type UpstreamResult } from '../prompts';
import { addSuggestedChange, offerSuggestions, visibleCandidates, type ExtendPlan } from './planGrowth';
import { createGrowingGraph, runDependencyGraph, type GrowingGraph } from './scheduler';
import type { Finding, Plan, PlannedChange } from '../schemas';
import { describeUsage, newFileState, RefactorSession, type FileChangeState, type RoleUsage, type Usage } from './session';
import { verifyConsistency } from '../verify/verifier';
import { runWorker, type WorkerInput, type WorkerResult } from '../edit/worker';
import type { SearchReplaceErrorKind } from '../edit/searchReplace';
import type { WorkspaceAccess } from '../workspace/workspace';
import { buildWorkspaceSummary } from '../plan/workspaceSummary';
import { checkProposals } from '../verify/compileCheck/checkProposals';
import { callerErrorsCausedBy } from '../verify/compileCheck/callerErrors';
import { CompileChecker, startCompileChecker } from '../verify/compileCheck/compileChecker';
import { isScriptPath } from '../verify/compileCheck/proposedTree';
import type { LanguageTools } from '../language/languageTools';
import { withFallback } from '../language/fallbackTools';
import { TypeScriptLanguageTools } from '../language/typeScriptLanguageTools';
import { describeReferences, requestSymbols } from '../plan/referenceSummary';
import { referenceCoverage } from '../verify/referenceCoverage';
import { describeLanguageServerWork, LanguageServerRenames, type RenamedFile } from './languageRenames';
import { joinMoves } from './fileMoves';
import { moveDiff, unifiedDiff } from '../edit/unifiedDiff';
import { describeModelError as describeError } from '../llm/modelErrors';

export { RefactorSession } from './session';

export interface EngineSettings {
  /** Worker calls in flight at once. */
  concurrency: number;
  /** Most files a plan may change. */
  maxFiles: number;
  /** Files with at least this many lines get search/replace edits instead of whole-file rewrites. */
  searchReplaceMinLines: number;
  /** How many times verification findings may send a file back to its worker. */
  revisionRounds: number;
  /** Token budget of the workspace summary the planner sees. */
  summaryTokenBudget: number;
  /** A compile check that takes longer stops with one info finding saying so. */
  compileCheckBudgetMs: number;
  /** Files outside the plan that the checks find broken: added on their own, offered, or only reported. */
  extendPlan: ExtendPlan;
  /** How many times (`auto`) the plan may grow in one run. */
  extendPlanRounds: number;
  /** How long a run keeps re-queueing rate-limited (429) calls before their files fail. */
  rateLimitDeadlineMs: number;
  /** Start each planned change while the plan still streams, as soon as it can run. */
  streamPlan: boolean;
  /**
   * Ask the language server where the request's symbols are used (for the planner) and let it do the
   * plan's renames exactly, with models only for what it cannot do. Off: models do everything.
   */
  languageServer: boolean;
  /** A language-server question that takes longer is given up (the models then do the work). */
  languageServerBudgetMs: number;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  concurrency: 4,
  maxFiles: 50,
  searchReplaceMinLines: 400,
  revisionRounds: 1,
  summaryTokenBudget: 12000,
  compileCheckBudgetMs: 20_000,
  extendPlan: 'off',
  extendPlanRounds: 2,
  rateLimitDeadlineMs: 600_000,
  streamPlan: true,
  languageServer: true,
  languageServerBudgetMs: 15_000,
};

export interface RefactorOptions {
  request: string;
  workspace: WorkspaceAccess;
  provider: ChatProvider;
  settings: EngineSettings;
  signal: AbortSignal;
  /** Paths the user selected (explorer context menu). */
  scope?: string[];
  /**
   * The folder on disk that workspace paths are relative to, for the compile check (which reads the
   * rest of the project from there). Absent: proposals are not compile-checked.
   */
  checkRoot?: string;
  /**
   * The editor's language servers (VS Code's providers). With a `checkRoot`, the core's TypeScript
   * service answers when they do not; without either, no language server is used.
   */
  languageTools?: LanguageTools;
}

/** What the run's own steps share beyond the caller's options. */
interface RunOptions extends RefactorOptions {
  renames?: LanguageServerRenames;
}

/**
 * Starts a run. `done` never rejects: a failure ends in `stage: 'failed'` with `error` set to one
 * line the user can act on; an aborted signal ends in `stage: 'cancelled'`.
 */
export function startRefactor(options: RefactorOptions): { session: RefactorSession; done: Promise<void> } {
  const session = new RefactorSession(options.request);
  const done = runSession(session, options);
  return { session, done };
}

/**
 * Re-reads one planned file and redoes its change (for a file that went stale because the user edited
 * it). Never rejects: the outcome is the file's new status. Deterministic checks run again afterwards.
 */
export async function rerunFile(session: RefactorSession, id: string, options: RefactorOptions): Promise<void> {
  const file = session.file(id);
  if (!file || !session.plan) {
    session.log('warn', `Cannot redo change ${id}: it is not part of this session's plan.`);
    return;
  }
  const provider = meteredProvider(session, options);
  const checker = startCompileChecker(options.checkRoot, session.files.map((f) => f.path));
  try {
    // Without the language server (it failed to start, or the run was cancelled) the file is redone as before.
    const redo = await redoWithLanguageServer(session, options, checker, file).catch(() => options);
    await runOneFile(session, redo, provider, file);
    if (options.signal.aborted || !session.plan) return;
    // What was said about the file's old proposal no longer applies; the verifier judges the new one,
    // focused on it like a revised file, and the deterministic checks run again over everything.
    session.setFindings(session.findings.filter((f) => f.source === 'check' || f.path !== file.path));
    await verifyAfterRedo(session, options, provider, checker, [file.path]);
  } finally {
    checker?.dispose();
  }
}

/**
 * A file the language server renamed or moved is redone by it (over the files as they are now), so a
 * re-run stays exact and a model runs only where the first run used one. Other files: as they were.
 */
async function redoWithLanguageServer(session: RefactorSession, options: RefactorOptions, checker: CompileChecker | undefined, file: FileChangeState): Promise<RunOptions> {
  const plan = session.plan;
  const byServer = file.performedBy === 'language-server' || file.performedBy === 'both' || file.moveOnly === true;
  if (!plan || !byServer || !options.settings.languageServer || (plan.symbolRenames.length === 0 && plan.fileMoves.length === 0)) return options;
  const paths = (await options.workspace.listFiles(options.signal)).map((entry) => entry.path);
  const typescript = checker ? new TypeScriptLanguageTools(checker, paths, options.settings.languageServerBudgetMs) : undefined;
  const tools = options.languageTools ? withFallback(options.languageTools, typescript) : typescript;
  if (!tools) return options;
  const renames = new LanguageServerRenames(tools, session, options.signal, options.workspace, true);
  renames.start(plan.symbolRenames, plan.fileMoves);
  return { ...options, renames };
}

/**
 * Adds a file the checks found broken outside the plan (extendPlan: ask, the user clicked "Add to
 * refactor"): a new change, its worker, then the checks again over everything. Never rejects.
 */
export async function addSuggestion(session: RefactorSession, suggestionId: string, options: RefactorOptions): Promise<void> {
  const suggestion = session.suggestions.find((s) => s.id === suggestionId);
  if (!suggestion || !session.plan) {
    session.log('warn', `Cannot add suggestion ${suggestionId}: it is not part of this session.`);
    return;
  }
  const file = addSuggestedChange(session, suggestion, options.settings.maxFiles);
  if (!file) {
    session.log('warn', `Cannot add ${suggestion.path}: the plan already has ${options.settings.maxFiles} files (maxFiles).`);
    return;
  }
  const provider = meteredProvider(session, options);
  const checker = startCompileChecker(options.checkRoot, session.files.map((f) => f.path));
  try {
    await runOneFile(session, options, provider, file);
    if (options.signal.aborted) return;
    await verifyAfterRedo(session, options, provider, checker, [file.path]);
  } finally {
    checker?.dispose();
  }
}

async function verifyAfterRedo(session: RefactorSession, options: RefactorOptions, provider: ChatProvider, checker: CompileChecker | undefined, focus: string[]): Promise<void> {
  try {
    await verifyRound(session, options, provider, focus, checker);
    await offerSuggestions(session, options.settings.extendPlan, options.workspace, options.signal);
  } catch (error) {
    if (!options.signal.aborted) session.log('warn', `Consistency checks failed after redoing ${focus.join(', ')}: ${describeModelError(error)}`);
  }
}

async function runSession(session: RefactorSession, callerOptions: RefactorOptions): Promise<void> {
  const { signal, settings } = callerOptions;
  const provider = meteredProvider(session, callerOptions);
  let checker: CompileChecker | undefined;
  let options: RunOptions = callerOptions;
  try {
    // Start on a later tick, so whoever called startRefactor has subscribed before the first event.
    await Promise.resolve();
    signal.throwIfAborted();
    session.setStage('reading');
    // The TypeScript thread starts with the run: it loads while the summary is built, answers the
    // language-server questions before planning, and builds the compile check's baseline while the
    // models work. Both settle before either's failure is thrown, so the thread is always disposed.
    const [read, launched] = await Promise.allSettled([
      buildWorkspaceSummary(
        options.workspace,
        options.request,
        { tokenBudget: settings.summaryTokenBudget, ...(options.scope ? { scope: options.scope } : {}) },
        signal,
      ),
      startLanguageTools(session, options, signal),
    ]);
    if (launched.status === 'fulfilled') checker = launched.value.checker;
    if (read.status === 'rejected') throw read.reason;
    if (launched.status === 'rejected') throw launched.reason;
    const summary = read.value;
    const language = launched.value;
    const references = language.tools ? await findReferences(session, language.tools, signal) : '';
    options = { ...options, ...(language.tools ? { renames: new LanguageServerRenames(language.tools, session, signal, options.workspace) } : {}) };
    const renames = options.renames;

    session.setStage('planning');
    const early = settings.streamPlan ? new EarlyStart(session, options, provider) : undefined;
    let plan: Plan;
    try {
      plan = await planRefactor({
        request: options.request,
        workspaceSummary: references ? `${summary}\n\n${references}` : summary,
        workspace: options.workspace,
        provider,
        maxFiles: settings.maxFiles,
        signal,
        languageServer: renames !== undefined,
        ...(early
          ? {
              onStreamedChange: (change: PlannedChange, partial: Plan) => {
                // The renames stream before the changes: the language server starts on them at once.
                renames?.start(partial.symbolRenames, partial.fileMoves);
                early.start(change, partial);
              },
              onStreamDiscarded: () => early.discard(),
            }
          : {}),
      });
    } catch (error) {
      await early?.discard();
      throw error;
    }
    session.plan = plan;
    session.timings.plannedAt = Date.now();
    // TypeScript loads and the baseline of the planned files and their importers builds on the
    // checker's thread while the workers wait on the model.
    if (checker) checker.prepare(plan.changes.map((change) => change.path));
    else checker = startCompileChecker(options.checkRoot, plan.changes.map((change) => change.path));
    const graph = early?.graph;
    const started = new Map(session.files.map((file) => [file.id, file]));
    session.files = plan.changes.map((change) => started.get(change.id) ?? newFileState(change));
    session.emit({ type: 'plan', plan });
    for (const file of session.files) if (!started.has(file.id)) session.emit({ type: 'file', file });
    // Moved files become files of the run (at their new path) before anything else joins.
    joinMoves(session, plan);
    if (renames) {
      renames.start(plan.symbolRenames, plan.fileMoves);
      await renames.ready;
      // Files the rename reaches beyond the plan join it (and the graph) before the workers are sealed in.
      renames.joinPlan();
    }
    if (plan.changes.length === 0) {
      session.log('info', 'The planner found nothing to change.');
      session.setStage('done');
      return;
    }

    session.setStage('working');
    if (graph) {
      // Some changes started while the plan streamed; the rest join the same graph now.
      const ids = new Set(plan.changes.map((change) => change.id));
      for (const change of plan.changes) if (!started.has(change.id)) graph.add({ id: change.id, dependsOn: change.dependsOn }, ids);
      graph.seal();
      await graph.done;
    } else {
      await runDependencyGraph(session.files, settings.concurrency, signal, (id) => runPlannedFile(session, options, provider, id));
    }
    session.timings.workersDoneAt = Date.now();
    signal.throwIfAborted();

    const proposed = session.files.filter((file) => file.status === 'proposed');
    if (proposed.length === 0) {
      const first = session.files.find((file) => file.status === 'failed');
      throw new RunFailedError(`Every planned change failed${first ? ` (first: ${first.path}: ${first.error ?? 'unknown reason'})` : ''}.`);
    }
    const failed = session.files.length - proposed.length;
    if (failed > 0) session.log('warn', `${failed} of ${session.files.length} planned changes failed; the rest are ready for review.`);

    await verifyAndRevise(session, options, provider, checker);
    session.setStage('done');
  } catch (error) {
    if (signal.aborted) {
      markCancelled(session);
    } else {
      session.error = describeFailure(error);
      session.log('error', session.error);
      session.setStage('failed');
    }
  } finally {
    checker?.dispose();
    session.timings.finishedAt = Date.now();
    session.log('info', `Usage: ${describeUsage(session.usage) || 'no model calls'}.`);
    if (Object.keys(session.editErrors).length > 0) session.log('info', `Search/replace edits refused in this run: ${describeEditErrors(session.editErrors)}.`);
  }
}

/**
 * The run's TypeScript thread (with a folder on disk that has scripts) and the language tools the run
 * uses: the editor's when given, backed by the TypeScript service. None when the setting is off.
 */
async function startLanguageTools(session: RefactorSession, options: RefactorOptions, signal: AbortSignal): Promise<{ checker?: CompileChecker; tools?: LanguageTools }> {
  if (!options.checkRoot) {
    return options.settings.languageServer && options.languageTools ? { tools: options.languageTools } : {};
  }
  const paths = (await options.workspace.listFiles(signal)).map((entry) => entry.path);
  const checker = paths.some(isScriptPath) ? CompileChecker.start(options.checkRoot) : undefined;
  if (!options.settings.languageServer) return checker ? { checker } : {};
  const typescript = checker ? new TypeScriptLanguageTools(checker, paths, options.settings.languageServerBudgetMs) : undefined;
  const tools = options.languageTools ? withFallback(options.languageTools, typescript) : typescript;
  if (!tools) session.log('info', 'No language server for this workspace (no TypeScript or JavaScript files); the models do every change.');
  return { ...(checker ? { checker } : {}), ...(tools ? { tools } : {}) };
}

/** Where the request's symbols are used, kept on the session and written for the planner ('' if none). */
async function findReferences(session: RefactorSession, tools: LanguageTools, signal: AbortSignal): Promise<string> {
  const names = requestSymbols(session.request);
  if (names.length === 0) return '';
  try {
    session.references = await tools.references(names, signal);
  } catch (error) {
    signal.throwIfAborted();
    session.log('warn', `The language server could not list references (${describeModelError(error)}); the planner works from the summary alone.`);
    return '';
  }
  const found = session.references.filter((symbol) => symbol.files.length > 0);
  if (found.length > 0) session.log('info', `References for the planner: ${found.map((symbol) => `${symbol.name} in ${symbol.files.length} file${symbol.files.length === 1 ? '' : 's'}`).join(', ')} (${tools.label}).`);
  return describeReferences(session.references, tools.label);
}

class RunFailedError extends Error {}

function describeFailure(error: unknown): string {
  if (error instanceof RunFailedError || error instanceof PlanRejectedError) return error.message;
  return describeModelError(error);
}

/**
 * Cancel means discard: proposals made before the cancel (during verification or a revision round)
 * become cancelled too, so no consumer can apply a half-checked run. Failed files keep their reason.
 */
function markCancelled(session: RefactorSession): void {
  for (const file of session.files) {
    if (file.status !== 'failed' && file.status !== 'cancelled') session.updateFile(file, { status: 'cancelled' });
  }
  session.log('info', 'Cancelled; nothing was written.');
  session.setStage('cancelled');
}

/**
 * Workers started while the plan streams: one growing dependency graph, fed change by change. Its
 * calls run under a signal of their own as well as the user's, so that a plan that turns out invalid
 * (or different from what was streamed) stops them: their results are dropped, nothing was written.
 */
class EarlyStart {
  graph: GrowingGraph | undefined;
  private readonly stop = new AbortController();
  private readonly options: RefactorOptions;
  private readonly userSignal: AbortSignal;

  constructor(
    private readonly session: RefactorSession,
    options: RefactorOptions,
    private readonly provider: ChatProvider,
  ) {
    this.userSignal = options.signal;
    this.options = { ...options, signal: AbortSignal.any([options.signal, this.stop.signal]) };
  }

  start(change: PlannedChange, partial: Plan): void {
    if (this.stop.signal.aborted) return;
    if (!this.graph) {
      this.session.log('info', `Starting workers while the plan streams (first: ${change.path}).`);
      this.graph = createGrowingGraph(this.options.settings.concurrency, this.options.signal, (id) => runPlannedFile(this.session, this.options, this.provider, id));
    }
    // Workers read the plan as far as it has arrived (it grows in place) for their prompts.
    this.session.plan = partial;
    const file = newFileState(change);
    this.session.files.push(file);
    this.session.emit({ type: 'file', file });
    this.graph.add({ id: change.id, dependsOn: change.dependsOn });
  }

  async discard(): Promise<void> {
    const graph = this.graph;
    if (!graph || this.stop.signal.aborted) return;
    this.stop.abort();
    graph.seal();
    await graph.done;
    this.graph = undefined;
    // A user's cancel keeps the cards, marked cancelled like the rest of a cancelled run.
    if (this.userSignal.aborted) return;
    const cancelled = this.session.files.length;
    this.session.files = [];
    this.session.plan = undefined;
    this.session.log('info', `The plan could not be used as it streamed; the ${cancelled} worker(s) started from it were stopped and their results dropped.`);
  }
}


// ---------------------------------------------------------------------------------------------
// Workers

async function runPlannedFile(session: RefactorSession, options: RunOptions, provider: ChatProvider, id: string): Promise<'ok' | 'failed'> {
  const file = session.file(id);
  if (!file) return 'failed';
  return runOneFile(session, options, provider, file);
}

async function runOneFile(session: RefactorSession, options: RunOptions, provider: ChatProvider, file: FileChangeState): Promise<'ok' | 'failed'> {
  const plan = session.plan;
  const change = plan?.changes.find((c) => c.id === file.id);
  if (!plan || !change) return 'failed';
  if (options.signal.aborted) {
    session.updateFile(file, { status: 'cancelled' });
    return 'failed';
  }
  session.updateFile(file, { status: 'working', error: undefined, timings: { startedAt: Date.now() } });
  // A file the language server renamed: done without a model, or the model's starting point.
  await options.renames?.ready;
  if (options.signal.aborted) {
    session.updateFile(file, { status: 'cancelled' });
    return 'failed';
  }
  const renamed = change.action === 'modify' ? options.renames?.renamed(file.movedFrom ?? file.path) : undefined;
  if (file.moveOnly) return landMove(session, options, file, renamed);
  // A file only the server's rename brought in, which it no longer reaches (a re-run after the user
  // removed the uses): nothing is left to change, and a model must not be asked to redo a rename.
  if (!renamed && options.renames?.answered(file.path) && change.description.endsWith(LANGUAGE_SERVER_DONE)) return landUnchanged(session, options, file);
  if (renamed && options.renames && !options.renames.needsModel(change, renamed, session.plan?.symbolRenames ?? [])) {
    return landLanguageServerRename(session, file, renamed);
  }
  let result: WorkerResult;
  try {
    const input = workerInput(session, options, provider, plan, change);
    if (renamed) input.languageServer = { original: renamed.before, renamed: renamed.after, diff: renamed.diff, renames: describeLanguageServerWork(renamed) };
    result = await runWorker(input);
    session.updateFile(file, { performedBy: renamed ? 'both' : 'model' });
  } catch (error) {
    const finishedAt = Date.now();
    if (options.signal.aborted) {
      session.updateFile(file, { status: 'cancelled', timings: { ...file.timings, finishedAt } });
    } else {
      session.updateFile(file, { status: 'failed', error: describeModelError(error), timings: { ...file.timings, finishedAt } });
    }
    return 'failed';
  }
  return landResult(session, file, result, false);
}

/** A move with no content change of its own: the file as it is, with the server's import updates if any. */
async function landMove(session: RefactorSession, options: RunOptions, file: FileChangeState, renamed: RenamedFile | undefined): Promise<'ok' | 'failed'> {
  if (renamed) return landLanguageServerRename(session, file, renamed);
  const source = file.movedFrom ?? file.path;
  let text: string | undefined;
  try {
    text = await options.workspace.readText(source);
  } catch (error) {
    session.updateFile(file, { status: 'failed', error: `cannot read the file: ${describeError(error)}` });
    return 'failed';
  }
  if (text === undefined) {
    session.updateFile(file, { status: 'failed', error: 'the file no longer exists' });
    return 'failed';
  }
  const finishedAt = Date.now();
  session.timings.firstProposalAt ??= finishedAt;
  // With a language server asked about the move, its answer (nothing to update inside the file) is exact.
  // Where it could not (see its notes), the move stands as it is, claimed by nobody.
  const by = options.renames ? { performedBy: options.renames.answered(source) ? ('language-server' as const) : undefined } : {};
  session.updateFile(file, { status: 'proposed', original: text, proposed: text, diff: diffFor(file, text, text), summary: 'moved', error: undefined, timings: { ...file.timings, finishedAt }, ...by });
  return 'ok';
}

/** The file as it is now, as its own proposal: nothing to change (an empty diff applies as nothing). */
async function landUnchanged(session: RefactorSession, options: RunOptions, file: FileChangeState): Promise<'ok' | 'failed'> {
  let text: string | undefined;
  try {
    text = await options.workspace.readText(file.path);
  } catch (error) {
    session.updateFile(file, { status: 'failed', error: `cannot read the file: ${describeError(error)}` });
    return 'failed';
  }
  if (text === undefined) {
    session.updateFile(file, { status: 'failed', error: 'the file no longer exists' });
    return 'failed';
  }
  session.updateFile(file, { status: 'proposed', original: text, proposed: text, diff: '', summary: 'the rename no longer reaches this file; nothing to change', error: undefined, performedBy: 'language-server', timings: { ...file.timings, finishedAt: Date.now() } });
  return 'ok';
}

/** A file's diff; a move's carries git's rename header, so the review and `git apply` see a move. */
function diffFor(file: FileChangeState, original: string | null, proposed: string | null): string {
  if (file.action === 'move' && file.movedFrom !== undefined && original !== null && proposed !== null) return moveDiff(file.movedFrom, file.path, original, proposed);
  return unifiedDiff(file.path, original, proposed);
}

function landLanguageServerRename(session: RefactorSession, file: FileChangeState, renamed: RenamedFile): 'ok' {
  const finishedAt = Date.now();
  session.timings.firstProposalAt ??= finishedAt;
  session.updateFile(file, {
    status: 'proposed',
    original: renamed.before,
    proposed: renamed.after,
    diff: diffFor(file, renamed.before, renamed.after),
    summary: `${file.action === 'move' ? 'moved; ' : ''}${describeLanguageServerWork(renamed).replace(/^rename /, 'renamed ').replace('import updates for', 'updated imports for')} (language server, ${renamed.places} place${renamed.places === 1 ? '' : 's'})`,
    error: undefined,
    performedBy: 'language-server',
    timings: { ...file.timings, finishedAt },
  });
  return 'ok';
}

/** What every worker call of a run is given; a revision adds its findings on top. */
function workerInput(session: RefactorSession, options: RefactorOptions, provider: ChatProvider, plan: Plan, change: PlannedChange): WorkerInput {
  return {
    request: session.request,
    plan,
    change,
    workspace: options.workspace,
    provider,
    signal: options.signal,
    searchReplaceMinLines: options.settings.searchReplaceMinLines,
    upstream: upstreamFor(session, change),
  };
}

function landResult(session: RefactorSession, file: FileChangeState, result: WorkerResult, revision: boolean): 'ok' | 'failed' {
  const timings = { ...file.timings, finishedAt: Date.now() };
  if (result.editErrors && result.editErrors.length > 0) {
    for (const kind of result.editErrors) session.editErrors[kind] = (session.editErrors[kind] ?? 0) + 1;
    session.log('info', `${file.path}: search/replace edits refused: ${describeEditErrors(countKinds(result.editErrors))}.`);
  }
  if (!result.ok) {
    if (revision) {
      // The earlier proposal is still valid; a failed revision only means its findings stay open.
      session.log('warn', `${file.path}: revision failed (${result.error}); keeping the earlier proposal.`);
      session.updateFile(file, { status: 'proposed', timings });
      return 'failed';
    }
    session.updateFile(file, { status: 'failed', original: result.original, error: result.error, timings });
    session.log('warn', `${file.path}: ${result.error}`);
    return 'failed';
  }
  if (result.retried) session.log('info', `${file.path}: the first reply could not be used; the retry succeeded.`);
  if (result.diff === '' && file.action !== 'delete') session.log('info', `${file.path}: the worker proposed no change.`);
  session.timings.firstProposalAt ??= timings.finishedAt;
  session.updateFile(file, {
    status: 'proposed',
    original: result.original,
    proposed: result.proposed,
    diff: file.action === 'move' ? diffFor(file, result.original, result.proposed) : result.diff,
    summary: result.summary,
    error: undefined,
    revisions: revision ? file.revisions + 1 : file.revisions,
    timings,
    ...(revision && file.performedBy === 'language-server' ? { performedBy: 'both' as const } : {}),
  });
  return 'ok';
}

/** What a worker sees of the changes it depends on: their diffs, or that they failed. */
function upstreamFor(session: RefactorSession, change: PlannedChange): UpstreamResult[] {
  const upstream: UpstreamResult[] = [];
  for (const id of change.dependsOn) {
    const dep = session.file(id);
    if (!dep) continue;
    if (dep.status === 'proposed') upstream.push({ path: dep.path, description: dep.description, state: 'proposed', diff: dep.diff });
    else upstream.push({ path: dep.path, description: dep.description, state: 'failed', reason: dep.error ?? dep.status });
  }
  return upstream;
}

// ---------------------------------------------------------------------------------------------
// Verification and revision

async function verifyAndRevise(session: RefactorSession, options: RefactorOptions, provider: ChatProvider, checker: CompileChecker | undefined): Promise<void> {
  let focus: string[] | undefined;
  let growthRounds = 0;
  for (let round = 0; ; ) {
    session.setStage('verifying');
    await verifyRound(session, options, provider, focus, checker);
    // Growing the plan (auto) does not use up a revision round: the added files are checked next.
    if (options.settings.extendPlan === 'auto' && growthRounds < options.settings.extendPlanRounds) {
      const added = await growPlan(session, options, provider);
      if (added.length > 0) {
        growthRounds++;
        focus = added.map((file) => file.path);
        continue;
      }
    }
    if (round >= options.settings.revisionRounds) break;
    round++;

    const toRevise = filesToRevise(session);
    if (toRevise.length === 0) break;
    session.setStage('revising');
    const revised = await reviseFiles(session, options, provider, toRevise);
    options.signal.throwIfAborted();
    if (revised.length === 0) break;
    focus = revised.map((file) => file.path);
  }
  await offerSuggestions(session, options.settings.extendPlan, options.workspace, options.signal);
}

/** extendPlan auto: a change per broken file outside the plan, within maxFiles; their workers run now. */
async function growPlan(session: RefactorSession, options: RefactorOptions, provider: ChatProvider): Promise<FileChangeState[]> {
  const added: FileChangeState[] = [];
  for (const suggestion of await visibleCandidates(session, options.workspace, options.signal)) {
    const file = addSuggestedChange(session, suggestion, options.settings.maxFiles);
    if (file) added.push(file);
  }
  if (added.length === 0) return [];
  session.setStage('working');
  await runDependencyGraph(added.map((file) => ({ id: file.id, dependsOn: [] })), options.settings.concurrency, options.signal, (id) => runPlannedFile(session, options, provider, id));
  options.signal.throwIfAborted();
  return added.filter((file) => file.status === 'proposed');
}

async function verifyRound(session: RefactorSession, options: RefactorOptions, provider: ChatProvider, focus: string[] | undefined, checker?: CompileChecker): Promise<void> {
  const plan = session.plan;
  if (!plan) return;
  const previousModel = session.findings.filter((f) => f.source !== 'check');
  let modelFindings = previousModel;
  // The compile check runs on its own thread while the verifier model is asked.
  const askedAt = Date.now();
  const compiled = checkProposals(checker, session.files, options.signal, options.settings.compileCheckBudgetMs, options.checkRoot ? undefined : 'no workspace folder on disk to check against');
  // Settle it even if the verifier throws first, so a rejection is never left unhandled.
  compiled.catch(() => undefined);
  const fresh = await askVerifier(session, options, provider, focus);
  if (fresh) {
    // Revised files are judged afresh; earlier findings elsewhere stay unless reported again.
    const revised = new Set(focus ?? []);
    const kept = focus ? previousModel.filter((f) => !revised.has(f.path)) : [];
    modelFindings = dedupe([...kept, ...fresh]);
  }
  const consistency = await runConsistencyChecks(plan, session.files, options.workspace, options.signal);
  // A file the rename check already flags needs no second finding saying it references the symbol.
  const flagged = new Set(consistency.filter((f) => f.kind === 'missing-change').map((f) => f.path));
  const coverage = referenceCoverage(session.references, session.files).filter((f) => !flagged.has(f.path));
  const compile = await compiled;
  session.timings.compileCheckMs = Date.now() - askedAt;
  // Nor does a file the compiler already shows broken: its error says more than a reference count.
  const broken = new Set(compile.findings.filter((f) => f.severity === 'error').map((f) => f.path));
  session.setFindings([...modelFindings, ...consistency, ...coverage.filter((f) => !broken.has(f.path)), ...compile.findings]);
  session.setCompileCheck(compile.summary);
  if (compile.summary.state !== 'passed') session.log(compile.summary.state === 'errors' ? 'warn' : 'info', `Compile check: ${compile.summary.verdict}.`);
}

/** The verifier model's findings, or undefined when it was not asked or could not answer. */
async function askVerifier(session: RefactorSession, options: RefactorOptions, provider: ChatProvider, focus: string[] | undefined): Promise<Finding[] | undefined> {
  const plan = session.plan;
  if (!plan) return undefined;
  if (!session.files.some((file) => file.status === 'proposed' && file.diff !== '')) {
    // Nothing to compare; the deterministic checks still look for leftovers on disk.
    session.log('info', 'No file changed, so there is nothing for the verifier to compare.');
    return undefined;
  }
  try {
    const result = await verifyConsistency({
      request: session.request,
      plan,
      files: session.files,
      workspace: options.workspace,
      provider,
      signal: options.signal,
      ...(focus ? { focusPaths: focus } : {}),
    });
    for (const drop of result.dropped) session.log('info', `Ignored a verifier finding outside the plan and workspace: ${drop}`);
    return result.findings;
  } catch (error) {
    options.signal.throwIfAborted();
    // Verification is advice, not a gate: the proposals are still worth reviewing without it.
    session.log('warn', `The verifier could not check the changes (${describeModelError(error)}); only the deterministic checks ran.`);
    return undefined;
  }
}

function filesToRevise(session: RefactorSession): { file: FileChangeState; findings: Finding[] }[] {
  const planned = new Set(session.files.map((file) => file.path));
  return session.files
    .filter((file) => file.status === 'proposed' && file.action !== 'delete' && file.proposed !== null)
    .map((file) => ({
      file,
      findings: [
        ...session.findings.filter((f) => f.path === file.path && (f.severity === 'error' || f.severity === 'warning')),
        ...callerErrorsCausedBy(session.findings, file.path, planned),
      ],
    }))
    .filter((entry) => entry.findings.length > 0);
}


async function reviseFiles(
  session: RefactorSession,
  options: RefactorOptions,
  provider: ChatProvider,
  work: { file: FileChangeState; findings: Finding[] }[],
): Promise<FileChangeState[]> {
  const plan = session.plan;
  if (!plan) return [];
  const revised: FileChangeState[] = [];
  const byId = new Map(work.map((entry) => [entry.file.id, entry]));
  await runDependencyGraph(work.map((entry) => ({ id: entry.file.id, dependsOn: [] })), options.settings.concurrency, options.signal, async (id) => {
    const entry = byId.get(id);
    const change = plan.changes.find((c) => c.id === id);
    if (!entry || !change || entry.file.proposed === null) return 'failed';
    const { file, findings } = entry;
    session.updateFile(file, { status: 'working', timings: { ...file.timings, startedAt: Date.now() } });
    let result: WorkerResult;
    try {
      result = await runWorker({ ...workerInput(session, options, provider, plan, change), revision: { original: file.original, previous: file.proposed ?? '', findings } });
    } catch (error) {
      // Aborted mid-revision: the earlier proposal still stands; the session becomes cancelled.
      result = { ok: false, original: file.original, error: describeModelError(error) };
    }
    const outcome = landResult(session, file, result, true);
    if (outcome === 'ok') revised.push(file);
    return outcome;
  });
  return revised;
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.path}\0${f.line}\0${f.kind}\0${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Usage

/**
 * Wraps the provider so every call's tokens add to the session's running totals, and every call
 * carries the run's rate-limit deadline, prompt-cache key and log.
 */
function meteredProvider(session: RefactorSession, options: RefactorOptions): ChatProvider {
  const base = session.usage;
  const inRun = withRunContext(options.provider, {
    deadline: Date.now() + options.settings.rateLimitDeadlineMs,
    log: (level, message) => session.log(level, message),
  });
  const metered = meterUsage(inRun, (usage) => session.setUsage(addUsage(base, usage)));
  return metered.provider;
}

function addUsage(a: Usage, b: Usage): Usage {
  const add = (x: RoleUsage, y: RoleUsage): RoleUsage => ({
    requests: x.requests + y.requests,
    promptTokens: x.promptTokens + y.promptTokens,
    completionTokens: x.completionTokens + y.completionTokens,
    cachedPromptTokens: x.cachedPromptTokens + y.cachedPromptTokens,
    acceptedPredictionTokens: x.acceptedPredictionTokens + y.acceptedPredictionTokens,
    rejectedPredictionTokens: x.rejectedPredictionTokens + y.rejectedPredictionTokens,
  });
  return { planner: add(a.planner, b.planner), worker: add(a.worker, b.worker), verifier: add(a.verifier, b.verifier) };
}

function countKinds(kinds: readonly SearchReplaceErrorKind[]): Partial<Record<SearchReplaceErrorKind, number>> {
  const counts: Partial<Record<SearchReplaceErrorKind, number>> = {};
  for (const kind of kinds) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** "2 ambiguous, 1 no-match", in a fixed order so logs compare. */
function describeEditErrors(counts: Partial<Record<SearchReplaceErrorKind, number>>): string {
  return (['no-match', 'ambiguous', 'empty-search', 'no-change'] as const)
    .filter((kind) => (counts[kind] ?? 0) > 0)
    .map((kind) => `${counts[kind] ?? 0} ${kind}`)
    .join(', ');
}
