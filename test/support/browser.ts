import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page, type Request } from 'playwright-core';

/** Debian's Chromium, or `CHROMIUM_PATH`; no browser is ever downloaded. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Where browser tests save their screenshots. */
export const ARTIFACTS = path.join(__dirname, '..', 'artifacts');

/**
 * `describe` when Chromium is installed, `describe.skip` otherwise; on CI (`CI=true`) a missing
 * Chromium fails the suite instead of skipping it. `what` names the test in that message.
 */
export function describeWithBrowser(what: string): jest.Describe {
  if (existsSync(CHROMIUM)) return describe;
  if (process.env.CI) throw new Error(`${what} needs Chromium at ${CHROMIUM} on CI (apt-get install chromium)`);
  return describe.skip;
}

/** True for requests that stay on this machine. */
export function isLoopback(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

/** A headless browser in a plant without internet access. */
export interface OfflineBrowser {
  readonly browser: Browser;
  readonly context: BrowserContext;
  /** Every URL the pages tried to reach off this machine (each was refused). */
  readonly outside: string[];
}

/**
 * Launches Chromium with one context in which anything that would leave this machine is refused
 * and noted in `outside`; `onLoopbackRequest` sees every request that is let through.
 */
export async function launchOfflineBrowser(
  options: { context?: BrowserContextOptions; onLoopbackRequest?: (request: Request) => void } = {},
): Promise<OfflineBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext(options.context);
  const outside: string[] = [];
  await context.route('**/*', (route) => {
    const request = route.request();
    if (!isLoopback(request.url())) {
      outside.push(request.url());
      return route.abort('internetdisconnected');
    }
    options.onLoopbackRequest?.(request);
    return route.continue();
  });
  return { browser, context, outside };
}

/** The full text of a GraphiQL editor (CodeMirror draws only the visible lines). */
export function editorText(page: Page, section: string): Promise<string> {
  return page
    .locator(`${section} .CodeMirror`)
    .first()
    .evaluate((element) => (element as unknown as { CodeMirror?: { getValue(): string } }).CodeMirror?.getValue() ?? '');
}

/** Polls until `read` gives a value `check` accepts (pages render asynchronously); returns the last value. */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() - started > timeoutMs) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
