// Cancelling at every stage of a run, in the core (an AbortSignal into the engine) and in the CLI
// (SIGINT to `node dist/cli.js --apply`). Each case holds the model's request for its stage at the
// fake server, cancels once that request has arrived, and checks that the run stops without that
// reply (so the stop is bounded by the cancel, not by the model), asks the server nothing more, ends
// cancelled with every proposal discarded, and leaves every file byte-identical.
import * as assert from 'node:assert/strict';
import { startFakeOpenAIServer, type FakeOpenAIServer, type RecordedRequest, type ReplyScript } from '../../support/fakeOpenAIServer';
import { holdFirst } from '../../support/heldRequest';
import { ensureFreshBuild, lastStderrLine, runCli } from '../support/cliRunner';
import { change, json, makeWorkspace, plan, removeWorkspace, runEngine, snapshot, workerFile } from '../support/engineHarness';
import { recordCase } from './caseTable';

const files = { 'src/a.ts': 'export const a = 1;\n', 'src/b.ts': 'export const b = 2;\n', 'src/c.ts': 'export const c = 3;\n', 'src/d.ts': 'export const d = 4;\n' };
const fourChanges = plan(Object.keys(files).map((path, index) => change(`c${index + 1}`, path, `Change ${path}`)));

/** Plans four changes; the verifier flags src/a.ts so a revision round follows. */
const script: ReplyScript = (request) => {
  if (request.schemaName === 'plan') return json(fourChanges);
  if (request.schemaName === 'verifier_report') return json({ findings: [{ path: 'src/a.ts', line: 1, severity: 'warning', kind: 'inconsistency', message: 'revise', relatedPaths: [] }] });
  const file = workerFile(request) ?? '';
  return json({ content: `${files[file as keyof typeof files] ?? ''}// changed\n`, summary: 'changed' });
};

interface Stage {
  name: string;
  /** The stage the run is in when the held request arrives. */
  stage: string;
  held: (request: RecordedRequest, nth: (key: string) => number) => boolean;
}

const STAGES: Stage[] = [
  { name: 'during planning', stage: 'planning', held: (request) => request.schemaName === 'plan' },
  // Concurrency 2: src/a.ts answers, then src/b.ts and src/c.ts are held (running), src/d.ts is queued.
  { name: 'while workers run (some done, some running, some queued)', stage: 'working', held: (request) => workerFile(request) === 'src/c.ts' },
  { name: 'during verification', stage: 'verifying', held: (request) => request.schemaName === 'verifier_report' },
  { name: 'during a revision round', stage: 'revising', held: (request, nth) => workerFile(request) === 'src/a.ts' && nth('src/a.ts') === 2 },
];

/** Wraps the script so src/b.ts is also held in the workers case (two running at once). */
function scriptFor(stage: Stage): { hold: ReturnType<typeof holdFirst>; seen: () => number } {
  const counts = new Map<string, number>();
  let holdB: Promise<void> | undefined;
  let releaseB: () => void = () => undefined;
  const base: ReplyScript = async (request) => {
    if (stage.stage === 'working' && workerFile(request) === 'src/b.ts') {
      holdB ??= new Promise<void>((resolve) => (releaseB = resolve));
      await holdB;
      return { content: '{}' };
    }
    return script(request);
  };
  const hold = holdFirst(base, (request) => {
    const key = workerFile(request) ?? request.schemaName ?? '';
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return stage.held(request, (name) => counts.get(name) ?? 0);
  });
  return { hold: { ...hold, release: () => (hold.release(), releaseB()) }, seen: () => counts.size };
}

describe('Cancellation at every stage', function () {
  this.timeout(60_000);
  let server: FakeOpenAIServer;
  let root: string;

  beforeEach(async () => {
    server = await startFakeOpenAIServer();
    root = await makeWorkspace(files);
  });
  afterEach(async () => {
    await server.close();
    await removeWorkspace(root);
  });

  describe('core (AbortSignal into the engine)', () => {
    for (const stage of STAGES) {
      it(`cancels ${stage.name}`, async () => {
        const before = await snapshot(root);
        const { hold } = scriptFor(stage);
        server.setScript(hold.script);
        const controller = new AbortController();
        const { session, done } = runEngine(server, root, 'Change every file', { concurrency: 2, revisionRounds: 1 }, controller.signal);
        await hold.reached;
        const stageAtAbort = session.stage;
        const statusesAtAbort = session.files.map((file) => file.status).join(', ');
        const requestsAtAbort = server.requests.length;
        controller.abort();
        // Settles while the held reply is still held: the stop does not wait for the model.
        await done;
        const requestsAfter = server.requests.length;
        hold.release();
        const same = JSON.stringify([...(await snapshot(root))]) === JSON.stringify([...before]);
        recordCase(
          {
            area: 'Cancellation',
            case: `Core: abort ${stage.name}`,
            expected: 'The run ends cancelled before the held reply, asks nothing more, discards every proposal and leaves files byte-identical.',
            ...(stage.stage === 'verifying' || stage.stage === 'revising' ? { fixed: 'proposals made before the cancel stayed “proposed” (and applicable)' } : {}),
          },
          `aborted at stage ${stageAtAbort} (files: ${statusesAtAbort || 'none planned'}); ended ${session.stage} (files: ${session.files.map((file) => file.status).join(', ') || 'none'}); requests ${requestsAtAbort} at abort, ${requestsAfter} after; files ${same ? 'byte-identical' : 'CHANGED'}`,
          () => {
            assert.equal(stageAtAbort, stage.stage);
            if (stage.stage === 'working') assert.equal(statusesAtAbort, 'proposed, working, working, queued');
            assert.equal(session.stage, 'cancelled');
            assert.ok(session.files.every((file) => file.status === 'cancelled'), 'no proposal survives a cancel');
            assert.equal(requestsAfter, requestsAtAbort, 'no request after the abort');
            assert.ok(same);
          },
        );
      });
    }
  });

  describe('CLI (SIGINT to node dist/cli.js --apply)', () => {
    before(ensureFreshBuild);

    for (const stage of STAGES) {
      it(`exits 130 and writes nothing when interrupted ${stage.name}`, async () => {
        const before = await snapshot(root);
        const { hold } = scriptFor(stage);
        server.setScript(hold.script);
        let requestsAtInterrupt = 0;
        const run = await runCli(['--workspace', root, '--request', 'Change every file', '--base-url', server.baseURL, '--concurrency', '2', '--apply'], {}, { started: (child) => {
          void hold.reached.then(() => {
            requestsAtInterrupt = server.requests.length;
            child.kill('SIGINT');
          });
        } });
        const requestsAfter = server.requests.length;
        hold.release();
        const same = JSON.stringify([...(await snapshot(root))]) === JSON.stringify([...before]);
        const lastStage = [...run.stderr.matchAll(/^\[(reading|planning|working|verifying|revising)\]$/gm)].pop()?.[1];
        recordCase(
          { area: 'Cancellation', case: `CLI: SIGINT ${stage.name}`, expected: 'Exit 130 with “nothing was written”, no further requests, every file byte-identical.' },
          `interrupted in [${lastStage ?? '?'}]; exit ${run.code}; last line “${lastStderrLine(run)}”; requests ${requestsAtInterrupt} at SIGINT, ${requestsAfter} after; files ${same ? 'byte-identical' : 'CHANGED'}`,
          () => {
            assert.equal(lastStage, stage.stage);
            assert.equal(run.code, 130, run.stderr);
            assert.match(run.stderr, /nothing was written/);
            assert.doesNotMatch(run.stderr, /\[applied\]/);
            assert.equal(requestsAfter, requestsAtInterrupt);
            assert.ok(same);
          },
        );
      });
    }
  });
});

