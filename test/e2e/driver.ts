// Drives the real workbench the way a person does: command palette, quick input, the review webview,
// with screenshots kept as test artifacts in test-results/screenshots/.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { copyWorkspace, openWorkbench, startCodeServer, type RunningCodeServer, type Workbench } from '../host/codeServer';
import { repoRoot } from '../host/provision';

export const SCREENSHOT_DIR = path.join(repoRoot, 'test-results', 'screenshots');

export interface DriverOptions {
  userSettings?: Record<string, unknown>;
  env?: Record<string, string>;
  /** Fixture to copy as the workspace; defaults to the sample workspace. */
  fixture?: string;
  /** Install this .vsix (as a user would) instead of staging the built extension. */
  vsix?: string;
  /** Other extension folders to install beside ours (test-only helpers). */
  extraExtensions?: string[];
}

export class WorkbenchDriver {
  private constructor(
    readonly workspace: string,
    private readonly server: RunningCodeServer,
    private readonly workbench: Workbench,
  ) {}

  /** code-server (provisioned if needed) on a fresh copy of the fixture, and Chromium on it. */
  static async launch(options: DriverOptions = {}): Promise<WorkbenchDriver> {
    const workspace = copyWorkspace(options.fixture);
    let server: RunningCodeServer | undefined;
    try {
      server = await startCodeServer({ workspace, ...(options.userSettings ? { userSettings: options.userSettings } : {}), ...(options.env ? { env: options.env } : {}), ...(options.vsix ? { vsix: options.vsix } : {}), ...(options.extraExtensions ? { extraExtensions: options.extraExtensions } : {}) });
      return new WorkbenchDriver(workspace, server, await openWorkbench(server));
    } catch (error) {
      await server?.stop();
      fs.rmSync(workspace, { recursive: true, force: true });
      throw error;
    }
  }

  get page(): Page {
    return this.workbench.page;
  }

  /** Opens the command palette and returns once its input has focus. */
  async openPalette(): Promise<void> {
    await this.page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => undefined);
    await this.page.keyboard.press('F1');
    await this.page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
  }

  /**
   * The palette entries shown after typing `filter`, once one containing `expected` appears. Right
   * after start-up the extension host may not have registered contributions yet and an open palette
   * does not refresh, so it is closed and opened again until the entry shows or time runs out; then
   * it returns what was shown, so the caller's assertion says what was there.
   */
  async paletteEntries(filter: string, expected: string, timeoutMs = 45_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    const rows = this.page.locator('.quick-input-list .monaco-list-row');
    for (;;) {
      await this.openPalette();
      await this.page.keyboard.type(filter);
      const found = await rows.filter({ hasText: expected }).first().waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
      if (found || Date.now() > deadline) return rows.allInnerTexts();
      await this.page.keyboard.press('Escape');
    }
  }

  /** Runs a command by its palette title, e.g. "Refactor Orchestrator: Refactor Across Files…". */
  async runCommand(title: string): Promise<void> {
    const entries = await this.paletteEntries(title, title);
    if (!entries.some((entry) => entry.includes(title))) throw new Error(`The palette has no command "${title}"; it showed: ${entries.join(' | ')}`);
    // Enter runs the focused row; while the list still filters, that can be a recently used command.
    await this.page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: title }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await this.page.keyboard.press('Enter');
  }

  /**
   * Types into the quick input that shows `prompt` and accepts it. Right after a palette command the
   * palette's own input is still on screen for a moment; typing then lands in the palette (a CI run
   * lost the API key that way and the next command refused to start), so this first waits for the
   * command's own prompt. An input box takes Enter at once; a quick pick fills its list
   * asynchronously (Go to File searches), so Enter would hit an empty list: pass `pickRow`, text of
   * the row to accept, to wait until it is listed and focused first.
   */
  async answerQuickInput(text: string, expect: { prompt: RegExp; pickRow?: string } | { pickRow: string }): Promise<void> {
    // A quick pick the test opened itself (Go to File) lists its rows only once typed into: any
    // widget on screen that is not the command palette will do.
    const prompt = 'prompt' in expect ? expect.prompt : /^(?!\(the command palette is still open\))[^]*/;
    const shown = await this.waitForQuickInput(prompt, 30_000);
    if (!prompt.test(shown)) {
      const shot = await this.screenshot(`quick-input-missing-${Date.now()}`);
      throw new Error(`The quick input never showed ${String(prompt)}; it showed “${shown.replace(/\s+/g, ' ').trim()}” (screenshot ${shot})`);
    }
    const input = this.page.locator('.quick-input-widget input');
    for (let attempt = 0; ; attempt++) {
      await input.fill(text);
      // The save dialog's input may complete what was typed; what matters is that the text landed here.
      if ((await input.inputValue()).startsWith(text)) break;
      if (attempt === 5) throw new Error(`The quick input did not keep the typed text “${text}”`);
      await this.page.waitForTimeout(200);
    }
    if (expect.pickRow !== undefined) {
      await this.page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: expect.pickRow }).first().waitFor({ state: 'visible', timeout: 15_000 });
    }
    await this.page.keyboard.press('Enter');
  }

  /** Waits until the quick input shows text matching `pattern`; returns what it shows. */
  async waitForQuickInput(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    // Only a widget on screen counts: a hidden one keeps the text of the input it showed last.
    const widget = this.page.locator('.quick-input-widget:visible');
    const input = widget.locator('input');
    const deadline = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < deadline) {
      text = await widget.innerText({ timeout: 1_000 }).catch(() => '');
      // The palette's input starts with ">" while it closes after running a command.
      const paletteValue = (await input.first().inputValue({ timeout: 1_000 }).catch(() => '')).startsWith('>');
      if (pattern.test(text) && !paletteValue) return text;
      if (paletteValue) text = '(the command palette is still open)';
      await this.page.waitForTimeout(200);
    }
    return text;
  }

  /**
   * The content frame of a webview. VS Code nests it twice: an outer `iframe.webview` owned by the
   * workbench, and inside it the `#active-frame` holding the extension's HTML. Neither frame carries
   * the panel's title (code-server 4.139 sets the inner frame's title attribute to "undefined"), so
   * a webview is told apart by its own HTML.
   *
   * Without an argument: the newest webview, as a lazy FrameLocator (its locators wait for it to
   * appear). With `titleOrSelector`: waits for the webview whose HTML `<title>` equals it (ours:
   * "Refactor Review"), or that contains an element matching it as a CSS selector.
   */
  webviewFrame(): FrameLocator;
  webviewFrame(titleOrSelector: string, timeoutMs?: number): Promise<FrameLocator>;
  webviewFrame(titleOrSelector?: string, timeoutMs = 30_000): FrameLocator | Promise<FrameLocator> {
    const outer = 'iframe.webview.ready';
    if (titleOrSelector === undefined) return this.page.frameLocator(outer).last().frameLocator('#active-frame');
    return this.findWebviewFrame(outer, titleOrSelector, timeoutMs);
  }

  private async findWebviewFrame(outer: string, titleOrSelector: string, timeoutMs: number): Promise<FrameLocator> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const count = await this.page.locator(outer).count();
      for (let index = count - 1; index >= 0; index--) {
        const inner = this.page.frameLocator(outer).nth(index).frameLocator('#active-frame');
        const htmlTitle = await inner.locator('title').first().textContent({ timeout: 1_000 }).catch(() => null);
        if (htmlTitle?.trim() === titleOrSelector) return inner;
        if ((await inner.locator(titleOrSelector).count().catch(() => 0)) > 0) return inner;
      }
      if (Date.now() > deadline) throw new Error(`no webview titled or containing "${titleOrSelector}" appeared within ${timeoutMs / 1000} s (${count} webviews open)`);
      await this.page.waitForTimeout(250);
    }
  }

  /** The text of every log file named `<channel>.log` the workbench wrote so far (log output channels write files). */
  logText(channel: string): string {
    const found: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name === `${channel}.log`) found.push(fs.readFileSync(full, 'utf8'));
      }
    };
    walk(this.server.userDataDir);
    return found.join('\n');
  }

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async close(): Promise<void> {
    await this.workbench.browser.close().catch(() => undefined);
    await this.server.stop();
    fs.rmSync(this.workspace, { recursive: true, force: true });
  }
}
