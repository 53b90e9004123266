// Scenario 1 through the real app: pair the brief's soap dispenser (40 bought, 30 used, 10 left),
// pump soap in the simulated home, and watch the inventory count down and put soap on the
// shopping list at the threshold; record a refill; then export everything and erase everything.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { By, freshDataDir, startDriver, until } from './driver.mjs';
import { startSimHome } from './simhome.mjs';

const WAIT_MS = 20_000;

async function screenshot(driver, name) {
  const dir = new URL('../artifacts/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(`${name}.png`, dir), await driver.takeScreenshot(), 'base64');
}

function located(driver, locator) {
  return driver.wait(until.elementLocated(locator), WAIT_MS);
}

async function click(driver, xpath) {
  await (await located(driver, By.xpath(xpath))).click();
}

const button = (name) => `//button[normalize-space(.)="${name}"]`;
const tab = (name) => `//nav[@aria-label="Sections"]//button[contains(., "${name}")]`;

async function waitForPageText(driver, text) {
  await driver.wait(
    async () => (await (await driver.findElement(By.css('body'))).getText()).includes(text),
    WAIT_MS,
    `waiting for "${text}" on screen`,
  );
}

describe('the soap dispenser feeds the inventory and the shopping list', () => {
  let home;
  let driver;
  const exportDir = freshDataDir();

  before(async () => {
    home = await startSimHome();
    driver = await startDriver({
      STEWARD_DATA_DIR: freshDataDir(),
      STEWARD_EXPORT_DIR: exportDir,
      DBUS_SYSTEM_BUS_ADDRESS: home.address,
    });
  });
  after(() => {
    driver?.stop();
    home?.stop();
  });
  afterEach((t) => {
    if (t.passed === false && driver) console.error(`--- app and driver output ---\n${driver.log()}`);
  });

  it('counts packets, lists soap at the threshold, clears it on refill, exports and erases', async () => {
    const app = await driver.session();
    try {
      await click(app, button('Add a device'));
      await click(app, button('Scan'));
      await click(app, '//label[contains(., "Dish soap")]');
      await (await app.findElement(By.id('setup-code'))).sendKeys('1234-5678');
      await click(app, button('Pair'));
      await waitForPageText(app, 'Connected');

      await click(app, tab('Inventory'));
      const stock = By.css('[data-testid="stock"]');
      await app.wait(async () => (await (await located(app, stock)).getText()) === '10 of 40 packets left', WAIT_MS);

      // Someone washes up: two packets.
      await home.act('dispense soap_dispenser');
      await home.act('dispense soap_dispenser');
      await app.wait(async () => (await (await located(app, stock)).getText()) === '8 of 40 packets left', WAIT_MS);
      await waitForPageText(app, 'Running low');
      await screenshot(app, 'inventory');

      await click(app, tab('Shopping'));
      await waitForPageText(app, 'Added when Dish soap reached 8 packets left (your threshold)');
      await screenshot(app, 'shopping-list');

      await click(app, tab('Inventory'));
      await click(app, '//button[contains(., "Dish soap")]');
      await waitForPageText(app, 'about 2 a day so far today');
      const chart = await located(app, By.css('[data-testid="use-chart"]'));
      assert.match(await chart.getAttribute('aria-label'), /2 packets in all/);
      await (await app.findElement(By.id('buy-quantity'))).sendKeys('40');
      await click(app, button('Record'));
      await waitForPageText(app, '48 packets left');
      await screenshot(app, 'consumable');

      await click(app, tab('Shopping'));
      await waitForPageText(app, 'Nothing to buy');

      await click(app, tab('Home'));
      await click(app, button('Export everything'));
      const saved = await located(app, By.css('[data-testid="export-path"]'));
      const path = (await saved.getText()).replace(/^Saved to /, '');
      assert.ok(path.startsWith(exportDir), `the export went to the export folder: ${path}`);
      const exported = JSON.parse(readFileSync(path, 'utf8'));
      assert.equal(exported.format, 'steward-household-export');
      assert.equal(exported.consumables[0].name, 'Dish soap');
      assert.equal(exported.usageEvents.length, 2);
      assert.equal(exported.purchases[0].quantity, 40);
      assert.ok(!JSON.stringify(exported).includes('pairingKey'), 'no pairing key leaves the phone');

      await click(app, button('Erase everything…'));
      await (await app.findElement(By.id('erase-confirmation'))).sendKeys('ERASE');
      await click(app, button('Erase'));
      await waitForPageText(app, 'Everything was erased from this device.');
      await waitForPageText(app, 'No devices paired yet.');
      await click(app, tab('Inventory'));
      await waitForPageText(app, 'Nothing tracked yet.');
    } finally {
      await app.quit();
    }
  });
});

// Scenario 2 through the real app: the toaster brings bread into the inventory; the owner records
// a bag of 10 slices; after 8 slices are toasted in the simulated home, bread is on the list.
describe('the toaster counts slices and puts bread on the list', () => {
  let home;
  let driver;

  before(async () => {
    home = await startSimHome();
    driver = await startDriver({ STEWARD_DATA_DIR: freshDataDir(), DBUS_SYSTEM_BUS_ADDRESS: home.address });
  });
  after(() => {
    driver?.stop();
    home?.stop();
  });
  afterEach((t) => {
    if (t.passed === false && driver) console.error(`--- app and driver output ---\n${driver.log()}`);
  });

  it('records a bag of 10, counts 8 slices and lists bread with the reason', async () => {
    const app = await driver.session();
    try {
      await click(app, button('Add a device'));
      await click(app, button('Scan'));
      await click(app, '//label[contains(., "Toaster")]');
      await (await app.findElement(By.id('setup-code'))).sendKeys('2345-6789');
      await click(app, button('Pair'));
      await waitForPageText(app, 'Connected');

      await click(app, tab('Inventory'));
      await waitForPageText(app, '0 of 10 slices left');
      await click(app, '//button[contains(., "Bread")]');
      await (await located(app, By.id('buy-quantity'))).sendKeys('10');
      await (await app.findElement(By.id('buy-note'))).sendKeys('sourdough, 10 slices');
      await click(app, button('Record'));
      await waitForPageText(app, '10 of 10 slices left');

      for (let slice = 0; slice < 8; slice += 1) await home.act('toast toaster');
      await waitForPageText(app, '2 of 10 slices left');
      await waitForPageText(app, 'it is on your shopping list');

      await click(app, tab('Shopping'));
      await waitForPageText(app, 'Added when Bread reached 2 slices left (your threshold)');
      await screenshot(app, 'bread-on-the-list');
    } finally {
      await app.quit();
    }
  });
});
