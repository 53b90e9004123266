// Bluetooth switched off and on again, in the real app against the simulated home (whose adapter
// is the phone's, through BlueZ's Adapter1.Powered): the owner is told "Bluetooth is off" with
// what to do, wherever they look, the soap pumped meanwhile is not lost, and when Bluetooth comes
// back the app reconnects and catches up by itself, with no tap from the owner.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { By, freshDataDir, startDriver } from './driver.mjs';
import { appWithSimulatedHome, button, click, located, pairFromTheApp, screenshot, tab, WAIT_MS, waitForPageText, visibleAndUncovered } from './ui.mjs';

describe('Bluetooth switched off while devices are paired', () => {
  const running = appWithSimulatedHome();

  it('says Bluetooth is off, loses no soap, and recovers by itself when it is back', async () => {
    const { home, driver } = running;
    const app = await driver.session();
    try {
      await pairFromTheApp(app, 'Dish soap', '1234-5678');
      await click(app, button('← Home'));
      await home.act('dispense soap_dispenser');

      await home.act('bluetooth off');
      const notice = await located(app, By.css('[data-testid="bluetooth-notice"]'));
      await app.wait(async () => (await notice.getText()).includes('Bluetooth is off'), WAIT_MS);
      assert.match(await notice.getText(), /Turn Bluetooth on in Settings or the quick settings panel/);
      assert.ok(await visibleAndUncovered(app, notice), 'the notice is where the owner looks, not under the tab bar');
      await waitForPageText(app, 'waiting for Bluetooth');
      await screenshot(app, 'bluetooth-off-home');

      // The home goes on while the phone cannot listen: three more packets.
      await home.act('dispense soap_dispenser');
      await home.act('dispense soap_dispenser');
      await home.act('dispense soap_dispenser');

      await click(app, button('Add a device'));
      const scan = await located(app, By.xpath(button('Scan')));
      assert.equal(await scan.isEnabled(), false, 'Scan waits for Bluetooth instead of failing');
      await located(app, By.css('[data-testid="bluetooth-notice"]'));
      await screenshot(app, 'bluetooth-off-add-device');
      await click(app, button('← Home'));

      await home.act('bluetooth on');
      await app.wait(
        // The notice can go while WebKitWebDriver is making handles for it (a stale element): ask again.
        async () => (await app.findElements(By.css('[data-testid="bluetooth-notice"]')).catch(() => [null])).length === 0,
        WAIT_MS,
        'the notice goes away when Bluetooth is back',
      );
      const row = await located(app, By.xpath('//button[contains(., "Dish soap")]'));
      await app.wait(async () => !(await row.getText()).includes('waiting for Bluetooth'), WAIT_MS, 'the dispenser reconnects by itself');

      await click(app, tab('Inventory'));
      const stock = By.css('[data-testid="stock"]');
      await app.wait(
        async () => (await (await located(app, stock)).getText()) === '6 of 40 packets left',
        WAIT_MS,
        'all four packets count: one before Bluetooth went off, three while it was off',
      );
    } finally {
      await app.quit();
    }
  });
});

describe('a phone with no Bluetooth at all', () => {
  it('says so once and keeps everything else working', async () => {
    const driver = await startDriver({
      STEWARD_DATA_DIR: freshDataDir(),
      // No BlueZ answers here: the app finds no adapter.
      DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/nonexistent/steward-no-bluetooth',
    });
    const app = await driver.session();
    try {
      const notice = await located(app, By.css('[data-testid="bluetooth-notice"]'));
      await app.wait(async () => (await notice.getText()).includes('No Bluetooth'), WAIT_MS);
      assert.match(await notice.getText(), /Your inventory and shopping list still work/);
      assert.ok(await visibleAndUncovered(app, notice), 'the notice is on screen, not under the tab bar');
      await click(app, button('Add a device'));
      assert.equal(await (await located(app, By.xpath(button('Scan')))).isEnabled(), false);
      await click(app, button('← Home'));
      await click(app, tab('Inventory'));
      await waitForPageText(app, 'Nothing tracked yet.');
    } catch (error) {
      console.error(`--- app and driver output ---\n${driver.log()}`);
      throw error;
    } finally {
      await app.quit();
      driver.stop();
    }
  });
});
