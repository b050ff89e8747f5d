// The vitest configuration the checker runs a vendored project's own tests with (eval/projectTests.ts).
// The project lives in a temporary folder with no node_modules of its own, so what the project's own
// config would say (its aliases, globals) comes in RO_EVAL_TESTS as JSON, and `vitest` itself is
// resolved from this repository.
import { createRequire } from 'node:module';
import * as path from 'node:path';

const spec = JSON.parse(process.env.RO_EVAL_TESTS ?? '{}');
const require = createRequire(import.meta.url);
const alias = Object.fromEntries(Object.entries(spec.alias ?? {}).map(([name, target]) => [name, path.join(spec.root, target)]));

export default {
  resolve: { alias: { ...alias, vitest: path.dirname(require.resolve('vitest/package.json')) } },
  cacheDir: path.join(spec.root, '.vitest-cache'),
  test: {
    root: spec.root,
    include: spec.include ?? [],
    exclude: spec.exclude ?? [],
    globals: spec.globals === true,
    watch: false,
    // Offline and quiet: no update check, no coverage, one worker pool sized for small machines.
    maxWorkers: 2,
  },
};
