// Messages between the engine and the compile-check worker thread. Both ends are our own code, in one
// process, so the shapes are declared here rather than validated.
import type { CheckOutcome, TreeChange, TypeScriptIdentity } from './proposedTree';

export type ToCheckWorker =
  | { type: 'init'; root: string }
  | { type: 'prepare'; paths: string[] }
  | { type: 'check'; id: number; changes: TreeChange[] };

export type FromCheckWorker =
  | { type: 'ready'; typescript: TypeScriptIdentity }
  | { type: 'result'; id: number; outcome: CheckOutcome }
  | { type: 'error'; id?: number; message: string };
