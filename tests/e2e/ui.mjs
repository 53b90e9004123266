// What the end-to-end tests share: the simulated home and the app started for a suite, finding
// and clicking things on screen, pairing a device through the UI, and screenshots for review.
import { mkdirSync, writeFileSync } from 'node:fs';
import { after, afterEach, before } from 'node:test';
import { By, freshDataDir, startDriver, until } from './driver.mjs';
import { startSimHome } from './simhome.mjs';

export const WAIT_MS = 20_000;

/**
 * Starts the simulated home and the app (pointed at it, with a fresh data directory and `env`)
 * before the suite, stops both after it, and prints the app's output when a test fails. Call
 * inside `describe`; the returned object's `home` and `driver` are set once the suite starts.
 */
export function appWithSimulatedHome(env = {}) {
  const running = { home: undefined, driver: undefined };
  before(async () => {
    running.home = await startSimHome();
    running.driver = await startDriver({
      STEWARD_DATA_DIR: freshDataDir(),
      DBUS_SYSTEM_BUS_ADDRESS: running.home.address,
      // A function gives values known only once other fixtures started (a server's address).
      ...(typeof env === 'function' ? await env() : env),
    });
  });
  after(() => {
    running.driver?.stop();
    running.home?.stop();
  });
  afterEach((t) => {
    if (t.passed === false && running.driver) console.error(`--- app and driver output ---\n${running.driver.log()}`);
  });
  return running;
}

/** Saves what the owner sees to tests/artifacts/ (not committed), for people reviewing a run. */
export async function screenshot(driver, name) {
  const dir = new URL('../artifacts/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(`${name}.png`, dir), await driver.takeScreenshot(), 'base64');
}

export function located(driver, locator) {
  return driver.wait(until.elementLocated(locator), WAIT_MS);
}

/** Clicks what `xpath` names as a person would: scrolled to the middle of the screen first (a
 *  person scrolls until they see it; WebDriver alone scrolls it just to the bottom edge, under
 *  the fixed tab bar), then clicked, so a click that something covers still fails. */
export async function click(driver, xpath) {
  const element = await located(driver, By.xpath(xpath));
  await driver.executeScript("arguments[0].scrollIntoView({ block: 'center' })", element);
  await element.click();
}

/** An XPath for the button labelled exactly `name`. */
export const button = (name) => `//button[normalize-space(.)="${name}"]`;

/** An XPath for a tab of the section bar. */
export const tab = (name) => `//nav[@aria-label="Sections"]//button[contains(., "${name}")]`;

export async function waitForPageText(driver, text) {
  await driver.wait(
    async () => (await (await driver.findElement(By.css('body'))).getText()).includes(text),
    WAIT_MS,
    `waiting for "${text}" on screen`,
  );
}

/** Pairs the device named `name` from Add a device with its setup `code`, until it shows Connected. */
export async function pairFromTheApp(app, name, code, { startingLevel } = {}) {
  await click(app, button('Add a device'));
  await click(app, button('Scan'));
  await click(app, `//label[contains(., "${name}")]`);
  if (startingLevel !== undefined) {
    const level = await app.findElement(By.id('starting-level'));
    await level.clear();
    await level.sendKeys(String(startingLevel));
  }
  await (await app.findElement(By.id('setup-code'))).sendKeys(code);
  await click(app, button('Pair'));
  await waitForPageText(app, 'Connected');
}

/** Whether `element` is on screen and not covered by anything else (the tab bar, say). */
export async function visibleAndUncovered(app, element) {
  return app.executeScript((el) => {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return false;
    const x = box.left + box.width / 2;
    const y = box.top + Math.min(box.height / 2, 10);
    if (y < 0 || y > window.innerHeight || x < 0 || x > window.innerWidth) return false;
    const top = document.elementFromPoint(x, y);
    return top !== null && (top === el || el.contains(top));
  }, element);
}
