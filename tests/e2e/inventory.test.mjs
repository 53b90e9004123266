// Scenarios 1 and 2 through the real app. Soap: pair the brief's dispenser (40 bought, 30 used,
// 10 left), pump soap in the simulated home, and watch the inventory count down and put soap on
// the shopping list at the threshold; record a refill; then export and erase everything. Bread:
// the toaster brings bread into the inventory, the owner records a bag of 10 slices, and after 8
// slices are toasted bread is on the list.
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { By, freshDataDir } from './driver.mjs';
import { appWithSimulatedHome, button, click, located, pairFromTheApp, screenshot, tab, WAIT_MS, waitForPageText } from './ui.mjs';

describe('the soap dispenser feeds the inventory and the shopping list', () => {
  const exportDir = freshDataDir();
  const running = appWithSimulatedHome({ STEWARD_EXPORT_DIR: exportDir });

  it('counts packets, lists soap at the threshold, clears it on refill, exports and erases', async () => {
    const { home, driver } = running;
    const app = await driver.session();
    try {
      await pairFromTheApp(app, 'Dish soap', '1234-5678');

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
      await waitForPageText(app, 'Added because Dish soap was down to 8 packets or fewer (your threshold)');
      await screenshot(app, 'shopping-list');

      await click(app, tab('Inventory'));
      await click(app, '//button[contains(., "Dish soap")]');
      await waitForPageText(app, '2 used today: too little history to forecast yet');
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
      const said = await saved.getText();
      const match = /^Saved as (steward-export-[0-9-]+\.json) in (.+)\. Only you can read it/.exec(said);
      assert.ok(match, `the owner is told the file and its folder: ${said}`);
      assert.equal(match[2], exportDir, 'the export went to the export folder');
      const path = join(match[2], match[1]);
      const exported = JSON.parse(readFileSync(path, 'utf8'));
      assert.equal(exported.format, 'steward-household-export');
      assert.equal(exported.consumables[0].name, 'Dish soap');
      assert.equal(exported.usageEvents.length, 2);
      assert.equal(exported.purchases[0].quantity, 40);
      assert.ok(!JSON.stringify(exported).includes('pairingKey'), 'no pairing key leaves the phone');

      await click(app, button('Erase everything…'));
      await (await app.findElement(By.id('erase-confirmation'))).sendKeys('ERASE');
      await click(app, button('Erase'));
      await waitForPageText(app, 'Everything was erased from this device, earlier exports included.');
      await waitForPageText(app, 'No devices paired yet.');
      await click(app, tab('Inventory'));
      await waitForPageText(app, 'Nothing tracked yet.');
    } finally {
      await app.quit();
    }
  });
});

describe('the toaster counts slices and puts bread on the list', () => {
  const running = appWithSimulatedHome();

  it('asks how much bread there is, records a bag of 10, counts 8 slices and lists bread with the reason', async () => {
    const { home, driver } = running;
    const app = await driver.session();
    try {
      // The toaster cannot count bread: the owner says there is none left.
      await pairFromTheApp(app, 'Toaster', '2345-6789', { startingLevel: 0 });

      await click(app, tab('Inventory'));
      await waitForPageText(app, '0 of 10 slices left');
      await click(app, tab('Shopping'));
      await waitForPageText(app, 'Added because Bread was down to 2 slices or fewer (your threshold)');
      await click(app, tab('Inventory'));
      await click(app, '//button[contains(., "Bread")]');
      await (await located(app, By.id('buy-quantity'))).sendKeys('10');
      await (await app.findElement(By.id('buy-note'))).sendKeys('sourdough, 10 slices');
      await click(app, button('Record'));
      await waitForPageText(app, '10 of 10 slices left');

      for (let slice = 0; slice < 8; slice += 1) await home.act('toast toaster');
      await waitForPageText(app, '2 of 10 slices left');
      await waitForPageText(app, 'it is on your shopping list');

      await click(app, tab('Shopping'));
      await waitForPageText(app, 'Added because Bread was down to 2 slices or fewer (your threshold)');
      await screenshot(app, 'bread-on-the-list');
    } finally {
      await app.quit();
    }
  });
});
