// Bundles what we ship: the extension host entry, the headless CLI, the compile-check worker thread
// (a separate script, since a Worker runs a file) and the webview script.
// `--production` minifies and drops source maps; `--watch` rebuilds on change and prints the
// `[watch] build started/finished` lines VS Code's esbuild problem matcher understands.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').Plugin} */
const watchLogger = {
  name: 'watch-logger',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  plugins: watch ? [watchLogger] : [],
  // jsonc-parser's `main` is a UMD build whose internal requires esbuild cannot follow; its ES module
  // build bundles cleanly.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
};

const targets = [
  // The extension: VS Code provides `vscode` at run time.
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', format: 'cjs', platform: 'node', target: 'node20', external: ['vscode'] },
  // The CLI runs on plain Node; the shebang makes `dist/cli.js` directly executable.
  { ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', format: 'cjs', platform: 'node', target: 'node20', banner: { js: '#!/usr/bin/env node' } },
  // The compile check's worker thread; it carries the bundled TypeScript, which only it loads.
  { ...common, entryPoints: ['src/core/verify/compileCheck/compileCheckWorker.ts'], outfile: 'dist/compileCheckWorker.js', format: 'cjs', platform: 'node', target: 'node20' },
  // The review webview runs in a browser iframe under a strict CSP: one self-contained script.
  { ...common, entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview.js', format: 'iife', platform: 'browser', target: 'es2022' },
];

if (watch) {
  const contexts = await Promise.all(targets.map((t) => esbuild.context(t)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(targets.map((t) => esbuild.build(t)));
}
