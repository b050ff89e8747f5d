// Test-only extension: a language model provider for VS Code's `vscode.lm` API that forwards each
// request to the loopback OpenAI-compatible test server, so our `vscode-lm` provider is exercised
// against VS Code's own model plumbing (selection, messages, streaming, cancellation), not a double.
// The endpoint is set by a command from an integration test (its server starts inside the extension
// host), or comes from RO_TEST_LM_BASE_URL for an end-to-end test that drives the workbench.
const vscode = require('vscode');

function activate(context) {
  let endpoint = process.env.RO_TEST_LM_BASE_URL ? process.env.RO_TEST_LM_BASE_URL.replace(/\/+$/, '') : undefined;
  const changed = new vscode.EventEmitter();
  context.subscriptions.push(
    changed,
    vscode.commands.registerCommand('roTestLm.setEndpoint', (url) => {
      endpoint = typeof url === 'string' && url ? url.replace(/\/+$/, '') : undefined;
      changed.fire();
    }),
    vscode.lm.registerLanguageModelChatProvider('ro-loopback', {
      onDidChangeLanguageModelChatInformation: changed.event,
      provideLanguageModelChatInformation() {
        if (!endpoint) return [];
        return [{ id: 'ro-loopback-model', name: 'Loopback test model', family: 'ro-loopback', version: '1', maxInputTokens: 500000, maxOutputTokens: 64000, capabilities: {} }];
      },
      async provideLanguageModelChatResponse(model, messages, _options, progress, token) {
        const abort = new AbortController();
        const onCancel = token.onCancellationRequested(() => abort.abort());
        try {
          const body = {
            model: model.id,
            stream: true,
            messages: messages.map((message) => ({
              role: message.role === vscode.LanguageModelChatMessageRole.Assistant ? 'assistant' : 'user',
              content: message.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join(''),
            })),
          };
          const response = await fetch(`${endpoint}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer loopback' }, body: JSON.stringify(body), signal: abort.signal });
          if (!response.ok || !response.body) throw new Error(`loopback server answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
          // Server-sent events, forwarded piece by piece as they arrive: a streaming model, as VS Code's own are.
          const decoder = new TextDecoder();
          let buffered = '';
          for await (const chunk of response.body) {
            buffered += decoder.decode(chunk, { stream: true });
            let newline;
            while ((newline = buffered.indexOf('\n')) !== -1) {
              const line = buffered.slice(0, newline).trim();
              buffered = buffered.slice(newline + 1);
              if (!line.startsWith('data:') || line === 'data: [DONE]') continue;
              const delta = JSON.parse(line.slice(5)).choices?.[0]?.delta?.content;
              if (delta) progress.report(new vscode.LanguageModelTextPart(delta));
            }
          }
        } finally {
          onCancel.dispose();
        }
      },
      async provideTokenCount(_model, text) {
        const value = typeof text === 'string' ? text : JSON.stringify(text);
        return Math.ceil(value.length / 4);
      },
    }),
  );
}

module.exports = { activate, deactivate() {} };
