// The core's LanguageTools: questions go to the TypeScript language service on the compile check's
// worker thread (the thread the run starts anyway), so the CLI, the benchmarks and the evaluation get
// references and exact renames with no editor around. The language service is synchronous; a question
// past its budget is given up rather than waited on, and the engine falls back to the models.
import type { CompileChecker } from '../verify/compileCheck/compileChecker';
import type { NavigationAnswer, NavigationQuestion } from '../verify/compileCheck/workerMessages';
import type { FileEdits, LanguageAnswer, LanguageTools, SymbolReferences, TreeOverlay } from './languageTools';

export class TypeScriptLanguageTools implements LanguageTools {
  readonly label = 'TypeScript language service';

  constructor(
    private readonly checker: CompileChecker,
    /** The workspace's files (the listing), so an inferred project sees every script. */
    private readonly paths: readonly string[],
    private readonly budgetMs: number,
  ) {}

  async references(names: readonly string[], signal: AbortSignal): Promise<SymbolReferences[]> {
    if (names.length === 0) return [];
    const answer = await this.ask({ kind: 'references', names: [...names], paths: [...this.paths] }, signal);
    return answer.ok && Array.isArray(answer.value) ? answer.value : [];
  }

  renameSymbol(from: string, to: string, signal: AbortSignal): Promise<LanguageAnswer<FileEdits[]>> {
    return this.edits({ kind: 'rename-symbol', from, to, paths: [...this.paths] }, signal);
  }

  renameFile(from: string, to: string, signal: AbortSignal, tree: TreeOverlay = {}): Promise<LanguageAnswer<FileEdits[]>> {
    return this.edits({ kind: 'rename-file', from, to, paths: [...this.paths], tree: { ...tree } }, signal);
  }

  private async edits(question: NavigationQuestion, signal: AbortSignal): Promise<LanguageAnswer<FileEdits[]>> {
    const answer = await this.ask(question, signal);
    if (!answer.ok) return answer;
    const value = answer.value;
    if (Array.isArray(value)) return { ok: false, reason: 'the language service answered a different question' };
    return value;
  }

  private async ask(question: NavigationQuestion, signal: AbortSignal): Promise<LanguageAnswer<NavigationAnswer>> {
    const reply = await this.checker.navigate(question, signal, this.budgetMs);
    if (reply.kind === 'answered') return { ok: true, value: reply.answer, source: this.label };
    if (reply.kind === 'over-budget') return { ok: false, reason: `the TypeScript language service took longer than ${Math.round(reply.budgetMs / 1000)} s` };
    return { ok: false, reason: `the TypeScript language service is unavailable: ${reply.reason}` };
  }
}
