import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { WorkbenchDriver } from './driver';

const COMMAND = 'Refactor Orchestrator: Refactor Across Files…';

describe('command palette (Playwright in code-server)', () => {
  let driver: WorkbenchDriver;

  before(async () => {
    driver = await WorkbenchDriver.launch();
  });
  after(async () => {
    await driver?.close();
  });

  it('lists the refactor command', async () => {
    const entries = await driver.paletteEntries('Refactor Across Files', COMMAND);
    assert.ok(entries.some((entry) => entry.includes(COMMAND)), `palette showed: ${entries.join(' | ')}`);
    await driver.page.keyboard.press('Escape');
  });

  it('running it asks for the refactoring request', async () => {
    await driver.runCommand(COMMAND);
    const prompt = await driver.waitForQuickInput(/Describe the refactoring/);
    const shot = await driver.screenshot('palette-request-prompt');
    assert.ok(fs.statSync(shot).size > 0);
    assert.match(prompt, /Describe the refactoring/, `the input box showed: ${prompt}`);
    await driver.page.keyboard.press('Escape');
  });
});
