// Scenario 5 through the real app: pair the simulated kitchen light from the UI with its setup
// code (a wrong code first), turn it on, and see the state the device confirmed — over btleplug's
// real Linux path to the simulated home on a private bus.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { By, until } from './driver.mjs';
import { appWithSimulatedHome, screenshot, WAIT_MS } from './ui.mjs';

async function textOf(driver, locator) {
  return (await driver.wait(until.elementLocated(locator), WAIT_MS)).getText();
}

async function waitForText(driver, locator, expected) {
  await driver.wait(async () => (await textOf(driver, locator)) === expected, WAIT_MS, `waiting for "${expected}"`);
}

async function button(driver, name) {
  return driver.wait(until.elementLocated(By.xpath(`//button[normalize-space(.)="${name}"]`)), WAIT_MS);
}

describe('controlling a device from the app', () => {
  const running = appWithSimulatedHome();

  it('pairs the kitchen light with its code and turns it on, confirmed by the device', async () => {
    const app = await running.driver.session();
    try {
      await (await button(app, 'Add a device')).click();
      await (await button(app, 'Scan')).click();
      const light = await app.wait(until.elementLocated(By.xpath('//label[contains(., "Kitchen light")]')), WAIT_MS);
      await light.click();
      await screenshot(app, 'add-device');

      const code = await app.findElement(By.id('setup-code'));
      await code.sendKeys('1111-1111');
      await (await button(app, 'Pair')).click();
      const alert = await app.wait(until.elementLocated(By.css('[role="alert"]')), WAIT_MS);
      assert.match(await alert.getText(), /does not match this device/);

      await code.clear();
      await code.sendKeys('4567-8901');
      await (await button(app, 'Pair')).click();
      await waitForText(app, By.css('[data-testid="connection"]'), 'Connected');
      await waitForText(app, By.css('[data-testid="device-state"]'), 'Off');
      assert.equal(await textOf(app, By.css('[data-testid="device-info"]')), 'Battery 87% · Firmware 1.4.2', 'read from the device');

      await (await button(app, 'Turn on')).click();
      await waitForText(app, By.css('[data-testid="device-state"]'), 'On · 80%');
      await screenshot(app, 'device-screen');

      await (await button(app, '← Home')).click();
      const row = await app.wait(until.elementLocated(By.xpath('//button[contains(., "Kitchen light")]')), WAIT_MS);
      await app.wait(async () => (await row.getText()).includes('On · 80%'), WAIT_MS, 'the home list shows the live state');

      // Removing it: two steps, and the light itself forgets this phone.
      await row.click();
      await (await button(app, 'Remove Kitchen light…')).click();
      await (await button(app, 'Remove')).click();
      const notice = await app.wait(until.elementLocated(By.css('[data-testid="device-notice"]')), WAIT_MS);
      assert.match(await notice.getText(), /Kitchen light was removed, and it no longer accepts this phone/);
      await app.wait(until.elementLocated(By.xpath('//p[normalize-space(.)="No devices paired yet."]')), WAIT_MS);
      await screenshot(app, 'device-removed');
    } finally {
      await app.quit();
    }
  });
});
