// The review as a person uses it, in the real workbench: command palette → request → the review
// webview fills in one card per planned file → accept one, reject one → Apply → the files on disk are
// exactly the accepted result, and the verifier's finding shows inline and as a diagnostic. The model
// is the loopback fake server, scripted here. Screenshots land in test-results/screenshots/.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeReply, type RecordedRequest } from '../support/fakeOpenAIServer';
import { WorkbenchDriver } from './driver';

const COMMAND = 'Refactor Orchestrator: Refactor Across Files…';
const TYPES = 'src/types.ts';
const STORE = 'src/stores/userStore.ts';
const FINDING = 'usersClient.ts still refers to User';

function json(value: unknown): FakeReply {
  return { content: JSON.stringify(value) };
}

function workerFile(request: RecordedRequest): string | undefined {
  return /^File: `([^`]+)`/m.exec(request.messages.find((m) => m.role === 'user')?.content ?? '')?.[1];
}

describe('the review panel (Playwright in code-server)', () => {
  let server: FakeOpenAIServer;
  let driver: WorkbenchDriver;
  let originals: Record<string, string>;
  let proposals: Record<string, string>;
  let review: FrameLocator;

  before(async () => {
    server = await startFakeOpenAIServer();
    driver = await WorkbenchDriver.launch({
      userSettings: {
        'refactorOrchestrator.baseUrl': server.baseURL,
        'refactorOrchestrator.model': 'fake-model',
        'refactorOrchestrator.revisionRounds': 0,
      },
    });
    const read = (file: string) => fs.readFileSync(path.join(driver.workspace, file), 'utf8');
    originals = { [TYPES]: read(TYPES), [STORE]: read(STORE) };
    proposals = {
      [TYPES]: originals[TYPES]!.replace('export interface User {', 'export interface Account {').replace('userId: string;', 'accountId: string;'),
      [STORE]: originals[STORE]!.replace(/\bUser\b/g, 'Account'),
    };
    server.setScript((request) => {
      if (request.schemaName === 'plan') {
        return json({
          summary: 'Rename the User interface to Account and update the store that uses it.',
          changes: [
            { id: 'c1', path: TYPES, action: 'modify', description: 'Rename the User interface to Account.', specialist: 'rename', dependsOn: [] },
            { id: 'c2', path: STORE, action: 'modify', description: 'Use Account instead of User.', specialist: 'rename', dependsOn: ['c1'] },
          ],
          symbolRenames: [],
        });
      }
      if (request.schemaName === 'whole_file') {
        const file = workerFile(request) ?? '';
        return json({ content: proposals[file] ?? '', summary: `Renamed User in ${file}` });
      }
      if (request.schemaName === 'verifier_report') {
        return json({
          findings: [{ path: TYPES, line: 1, severity: 'warning', kind: 'missing-change', message: `${FINDING}; it is not part of the plan.`, relatedPaths: ['src/api/usersClient.ts'] }],
        });
      }
      return { status: 400, body: { error: { message: 'unexpected request' } } };
    });
  });

  after(async () => {
    await driver?.close();
    await server?.close();
  });

  it('opens from the palette and shows one card per planned file', async () => {
    await driver.runCommand(COMMAND);
    await driver.waitForQuickInput(/Describe the refactoring/);
    await driver.answerQuickInput('Rename the User type to Account');

    review = await driver.webviewFrame('Refactor Review', 60_000);
    await review.locator('.badge.stage', { hasText: 'Ready for review' }).waitFor({ timeout: 60_000 });
    const cards = review.locator('article.card');
    assert.equal(await cards.count(), 2);
    assert.deepEqual(await cards.locator('.card-head .path').allInnerTexts(), [TYPES, STORE]);
    await driver.screenshot('review-ready');
  });

  it('shows the verifier finding inline under the line it concerns', async () => {
    const inline = review.locator(`article[aria-label="${TYPES}"] .inline-finding`);
    await inline.waitFor();
    assert.match(await inline.innerText(), new RegExp(FINDING));
  });

  it('applies the accepted file and leaves the rejected one alone', async () => {
    await review.getByRole('button', { name: `Accept ${TYPES}` }).click();
    await review.getByRole('button', { name: `Reject ${STORE}` }).click();
    await review.locator(`article[aria-label="${STORE}"] .badge.decision-rejected`).waitFor();
    await driver.screenshot('review-decided');

    await review.getByRole('button', { name: 'Apply accepted changes' }).click();
    await review.locator('.notice', { hasText: 'Applied and saved 1 file' }).waitFor({ timeout: 30_000 });
    await review.locator(`article[aria-label="${TYPES}"] .badge.applied`).waitFor();
    await driver.screenshot('review-applied');
    assert.equal(await review.locator(`article[aria-label="${TYPES}"] .badge.status-stale`).count(), 0, 'the applied file is not shown as changed since read');
    assert.ok(await review.getByRole('button', { name: 'Apply accepted changes' }).isDisabled(), 'nothing is left to apply');

    assert.equal(fs.readFileSync(path.join(driver.workspace, TYPES), 'utf8'), proposals[TYPES]);
    assert.equal(fs.readFileSync(path.join(driver.workspace, STORE), 'utf8'), originals[STORE]);
  });

  it('lists the finding as a problem on the applied file', async () => {
    await driver.openPalette();
    await driver.page.keyboard.type('View: Focus Problems');
    await driver.page.keyboard.press('Enter');
    const problems = driver.page.locator('.markers-panel');
    await problems.getByText(FINDING, { exact: false }).first().waitFor({ timeout: 20_000 });
    assert.match(await problems.innerText(), /types\.ts/);
    await driver.screenshot('problems-after-apply');
  });
});
