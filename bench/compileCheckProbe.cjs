// One compile-check measurement in a fresh process (so its peak memory is its own): start the checker
// thread and prepare the ten planned files, as the engine does when the plan arrives; wait until the
// baseline is ready; then check the proposal, which is the time the check adds after the last worker.
// argv: root, path of a JSON file with the changes. Prints one JSON object.
const fs = require('node:fs');
const path = require('node:path');

const { CompileChecker } = require(path.join(__dirname, '..', 'out', 'src', 'core', 'verify', 'compileCheck', 'compileChecker.js'));

async function main() {
  const [root, changesFile] = process.argv.slice(2);
  const changes = JSON.parse(fs.readFileSync(changesFile, 'utf8'));
  const signal = new AbortController().signal;
  const started = performance.now();
  const checker = CompileChecker.start(root);
  checker.prepare(changes.map((c) => c.path));
  // A check of unchanged text answers once TypeScript is loaded and the baseline is built.
  const ready = await checker.check(changes.map((c) => ({ ...c, proposed: c.original })), signal, 600_000);
  const baselineMs = performance.now() - started;
  const checkStarted = performance.now();
  const reply = await checker.check(changes, signal, 600_000);
  const checkMs = performance.now() - checkStarted;
  checker.dispose();
  if (ready.kind !== 'checked' || reply.kind !== 'checked') throw new Error(`check failed: ${JSON.stringify(reply)}`);
  process.stdout.write(`${JSON.stringify({
    baselineMs: Math.round(baselineMs),
    checkMs: Math.round(checkMs),
    checkedFiles: reply.outcome.checkedFiles,
    newErrors: reply.outcome.diagnostics.length,
    peakMB: Math.round(process.resourceUsage().maxRSS / 1024),
    typescript: reply.outcome.typescript?.version,
  })}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
