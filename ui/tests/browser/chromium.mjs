// Shared by the browser tests: serves the browser-test build (Tauri's IPC answered in the page
// by the in-memory backend) and runs Debian's Chromium through playwright-core. Not a test file.
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Starts the server and the browser before the file's tests and stops them after; returns
 *  `open(viewport, colorScheme)`, which loads the app in a fresh context and collects script
 *  errors. Phone-sized viewports (under 700 px) are touch devices. */
export function useChromium() {
  let server;
  let browser;
  let baseUrl;
  before(async () => {
    server = await preview({
      root,
      mode: 'browser-test',
      logLevel: 'warn',
      build: { outDir: 'dist-browser-test' },
      preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
    });
    baseUrl = `http://127.0.0.1:${server.httpServer.address().port}/`;
    browser = await chromium.launch({
      executablePath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  });
  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.httpServer.close(resolve));
  });
  return async function open(viewport = { width: 390, height: 844 }, colorScheme = 'light') {
    const phone = viewport.width < 700;
    const context = await browser.newContext({ viewport, isMobile: phone, hasTouch: phone, colorScheme });
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (msg) => msg.type() === 'error' && problems.push(msg.text()));
    await page.goto(baseUrl);
    return { page, problems };
  };
}

/** Pairs `name` from the Add a device screen with `code`, scanning first when needed. */
export async function pairFromAddDevice(page, name, code) {
  const found = page.getByRole('list', { name: 'Devices found' });
  if (!(await found.isVisible())) {
    if (!(await page.getByRole('button', { name: 'Add a device' }).isVisible())) {
      await page.getByRole('button', { name: /^Home/ }).click();
    }
    await page.getByRole('button', { name: 'Add a device' }).click();
    await page.getByRole('button', { name: 'Scan' }).click();
    await found.waitFor();
  }
  await found.getByText(name, { exact: true }).click();
  await page.getByLabel(/The 8 digits/).fill(code);
  await page.getByRole('button', { name: 'Pair' }).click();
  await page.getByTestId('connection').filter({ hasText: 'Connected' }).waitFor();
}
