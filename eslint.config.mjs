// The linter holds what STYLE.md asks and the compiler cannot: no `any`, no floating or misused
// promises, and the layers' import boundaries. `npm test` runs it (test/runAll.mjs, `npm run lint`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** One layer's import boundary: every specifier matching `regex` is refused with `message`. */
function zone(files, regex, message) {
  return { files, rules: { 'no-restricted-imports': ['error', { patterns: [{ regex, message }] }] } };
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', 'test/fixtures/**', 'eval/tasks/**', '**/*.mjs', '**/*.cjs', '**/*.js'] },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The rules STYLE.md names, stated here so a change of preset cannot drop them.
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // `_name` marks a value left out on purpose (a destructured field dropped, a port's unused argument).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Not correctness rules: async implementations of a promise-returning port read better with
      // `async` even when they do not await, and a redundant `!` or cast is harmless.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // Low-level errors (errno codes, paths) are turned into short messages on purpose.
      'preserve-caught-error': 'off',
      // A test's regex that matches a line of source is clearer with that line's spaces written out.
      'no-regex-spaces': 'off',
    },
  },
  // The layers. The core runs headless (CLI, benchmarks) and knows nothing of its hosts; the protocol
  // is the contract between the extension and the webview and depends on nothing but zod and the
  // core's schemas; the webview runs in a browser iframe and talks to the extension only through it.
  zone(['src/core/**/*.ts'], '^vscode$|(^|/)(protocol|webview|vscode|node)/|(^|/)(cli|cliArgs|extension)$', 'src/core imports neither vscode, the protocol, the webview nor an adapter.'),
  // The LLM layer is the bottom of the core: it knows chat, not plans, sessions or files. (A later
  // zone for the same files replaces an earlier one, so this one repeats the core's `vscode` ban.)
  zone(['src/core/llm/**/*.ts'], '^vscode$|^\\.\\./', 'src/core/llm imports nothing from the rest of the core (nor vscode).'),
  zone(['src/protocol/**/*.ts'], '^(?!zod$|\\.\\./core/schemas$)', 'src/protocol imports only zod and src/core/schemas.'),
  zone(['src/webview/**/*.ts'], '^(?!\\./|\\.\\./protocol/)', 'src/webview imports only the protocol (and its own modules).'),
);
