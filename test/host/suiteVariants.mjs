// The integration suite runs in more than one kind of window, because the extension behaves
// differently in each: the sample folder (most tests), a multi-root workspace of two folders (paths
// carry their folder's name), the sample folder in Restricted Mode and a window with no folder at all
// (in both the command must say why it cannot run). Each variant is one extra launch of the same host running only test/integration/variants/
// <name>.test.ts; the harnesses (runIntegration.mjs for code-server, runElectron.mjs for desktop VS
// Code) loop over these. RO_TEST_VARIANTS=folder,multi-root narrows the list for local iteration.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './provision.mjs';

const fixture = path.join(repoRoot, 'test', 'fixtures', 'sample-workspace');

/** Workspace trust on, no folder trusted, and no startup dialog asking: the window opens restricted. */
export const RESTRICTED_MODE_SETTINGS = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'security.workspace.trust.emptyWindow': false,
};

/** A temp copy of the fixture, so tests may change files freely. */
function copyFixture(target = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-workspace-'))) {
  fs.cpSync(fixture, target, { recursive: true });
  return target;
}

/**
 * @typedef {{ workspace: string | undefined, testWorkspace: string, restricted?: boolean, cleanUp: () => void }} PreparedVariant
 * @type {{ name: string, prepare: () => PreparedVariant }[]}
 */
const ALL = [
  {
    name: 'folder',
    prepare() {
      const folder = copyFixture();
      return { workspace: folder, testWorkspace: folder, cleanUp: () => fs.rmSync(folder, { recursive: true, force: true }) };
    },
  },
  {
    // Two copies of the same fixture, so both roots hold files with the same relative paths.
    name: 'multi-root',
    prepare() {
      const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-multi-root-'));
      for (const name of ['alpha', 'beta']) copyFixture(path.join(parent, name));
      const file = path.join(parent, 'two-roots.code-workspace');
      fs.writeFileSync(file, JSON.stringify({ folders: [{ path: 'alpha' }, { path: 'beta' }] }, null, 2));
      return { workspace: file, testWorkspace: parent, cleanUp: () => fs.rmSync(parent, { recursive: true, force: true }) };
    },
  },
  {
    // The sample folder, not trusted: the command must explain Restricted Mode instead of running.
    name: 'restricted',
    prepare() {
      const folder = copyFixture();
      return { workspace: folder, testWorkspace: folder, restricted: true, cleanUp: () => fs.rmSync(folder, { recursive: true, force: true }) };
    },
  },
  {
    name: 'no-folder',
    prepare() {
      return { workspace: undefined, testWorkspace: '', cleanUp: () => undefined };
    },
  },
];

export function suiteVariants() {
  const wanted = process.env.RO_TEST_VARIANTS?.split(',').map((name) => name.trim()).filter(Boolean);
  return wanted ? ALL.filter((variant) => wanted.includes(variant.name)) : ALL;
}

/** Adds one variant's outcomes to the running totals; titles say which window they ran in. */
export function mergeResults(total, name, results) {
  const base = total ?? { passed: 0, failed: 0, pending: 0, done: true, failures: [], tests: [] };
  if (!results) return { ...base, failed: base.failed + 1, failures: [...base.failures, { title: `[${name}] the suite reported nothing`, error: '' }] };
  const tag = (title) => (name === 'folder' ? title : `[${name}] ${title}`);
  return {
    passed: base.passed + results.passed,
    failed: base.failed + results.failed + (results.crashed ? 1 : 0),
    pending: base.pending + results.pending,
    done: true,
    failures: [...base.failures, ...results.failures.map((failure) => ({ ...failure, title: tag(failure.title) }))],
    tests: [...base.tests, ...results.tests.map((test) => ({ ...test, title: tag(test.title) }))],
  };
}
