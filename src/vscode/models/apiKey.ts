// The API key lives in VS Code's SecretStorage (the OS keychain where there is one), never in settings
// or logs. `OPENAI_API_KEY` in the extension host's environment is the fallback, as for the CLI.
import * as vscode from 'vscode';

const SECRET_KEY = 'refactorOrchestrator.apiKey';

export async function readApiKey(secrets: vscode.SecretStorage): Promise<string | undefined> {
  const stored = (await secrets.get(SECRET_KEY))?.trim();
  if (stored) return stored;
  const fromEnvironment = process.env.OPENAI_API_KEY?.trim();
  return fromEnvironment || undefined;
}

export async function promptAndStoreApiKey(secrets: vscode.SecretStorage): Promise<boolean> {
  const key = await vscode.window.showInputBox({
    title: 'Refactor Orchestrator: API Key',
    prompt: 'The key for your OpenAI-compatible endpoint. It is kept in VS Code’s secret storage.',
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? 'Enter a key, or press Escape to cancel.' : undefined),
  });
  if (key === undefined) return false;
  await secrets.store(SECRET_KEY, key.trim());
  void vscode.window.showInformationMessage('Refactor Orchestrator: API key saved.');
  return true;
}

export async function clearApiKey(secrets: vscode.SecretStorage): Promise<void> {
  await secrets.delete(SECRET_KEY);
  const note = process.env.OPENAI_API_KEY ? ' OPENAI_API_KEY from the environment is still used.' : '';
  void vscode.window.showInformationMessage(`Refactor Orchestrator: API key removed.${note}`);
}
