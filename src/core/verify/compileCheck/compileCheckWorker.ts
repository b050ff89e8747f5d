// Entry point of the compile-check worker thread (bundled as dist/compileCheckWorker.js). The
// TypeScript language service is synchronous and a cold program takes seconds, so it runs here and
// never on the extension host's main thread. Messages are handled in order: a check waits for the
// preparation the engine asked for while the models were still working.
import { parentPort } from 'node:worker_threads';
import { loadTypeScript } from './loadTypeScript';
import { TypeScriptChecker } from './typeScriptCheck';
import type { FromCheckWorker, NavigationAnswer, NavigationQuestion, ToCheckWorker } from './workerMessages';
import type { TypeScriptNavigation } from '../../language/typeScriptNavigation';

const port = parentPort;
let checker: TypeScriptChecker | undefined;

function send(message: FromCheckWorker): void {
  port?.postMessage(message);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

port?.on('message', (message: ToCheckWorker) => {
  switch (message.type) {
    case 'init':
      try {
        checker = new TypeScriptChecker(message.root, loadTypeScript(message.root));
        send({ type: 'ready', typescript: checker.identity });
      } catch (error) {
        send({ type: 'error', message: `cannot load TypeScript: ${describe(error)}` });
      }
      return;
    case 'prepare':
      try {
        checker?.prepare(message.paths);
      } catch {
        // Preparation is only a head start; the check itself reports what goes wrong.
      }
      return;
    case 'check':
      if (!checker) {
        send({ type: 'error', id: message.id, message: 'TypeScript could not be loaded' });
        return;
      }
      try {
        send({ type: 'result', id: message.id, outcome: checker.check(message.changes) });
      } catch (error) {
        send({ type: 'error', id: message.id, message: describe(error) });
      }
      return;
    case 'navigate':
      if (!checker) {
        send({ type: 'error', id: message.id, message: 'TypeScript could not be loaded' });
        return;
      }
      try {
        send({ type: 'answer', id: message.id, answer: navigate(checker.navigation, message.question) });
      } catch (error) {
        send({ type: 'error', id: message.id, message: describe(error) });
      }
      return;
  }
});

function navigate(navigation: TypeScriptNavigation, question: NavigationQuestion): NavigationAnswer {
  switch (question.kind) {
    case 'references':
      return navigation.references(question.names, question.paths);
    case 'rename-symbol':
      return navigation.renameSymbol(question.from, question.to, question.paths);
    case 'rename-file':
      return navigation.renameFile(question.from, question.to, question.paths, question.tree);
  }
}
