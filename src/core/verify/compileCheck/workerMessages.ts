// Messages between the engine and the compile-check worker thread. Both ends are our own code, in one
// process, so the shapes are declared here rather than validated.
import type { CheckOutcome, TreeChange, TypeScriptIdentity } from './proposedTree';
import type { FileEdits, LanguageAnswer, SymbolReferences } from '../../language/languageTools';

/** Language-server questions the same thread answers (the engine's TypeScript LanguageTools). */
export type NavigationQuestion =
  | { kind: 'references'; names: string[]; paths: string[] }
  | { kind: 'rename-symbol'; from: string; to: string; paths: string[] }
  | { kind: 'rename-file'; from: string; to: string; paths: string[]; tree: Record<string, string | null> };

export type NavigationAnswer = SymbolReferences[] | LanguageAnswer<FileEdits[]>;

export type ToCheckWorker =
  | { type: 'init'; root: string }
  | { type: 'prepare'; paths: string[] }
  | { type: 'check'; id: number; changes: TreeChange[] }
  | { type: 'navigate'; id: number; question: NavigationQuestion };

export type FromCheckWorker =
  | { type: 'ready'; typescript: TypeScriptIdentity }
  | { type: 'result'; id: number; outcome: CheckOutcome }
  | { type: 'answer'; id: number; answer: NavigationAnswer }
  | { type: 'error'; id?: number; message: string };
