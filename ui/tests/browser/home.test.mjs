// The built UI in Debian's Chromium, driven by playwright-core. Tauri's IPC is answered in the
// page by `mockIPC` (browser-test build mode), so the real TauriBackend and generated bindings run.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useChromium } from './chromium.mjs';

const openPhone = useChromium();

describe('home screen in Chromium', () => {
  it('shows the home from the core and renames it through the IPC bindings', async () => {
    const { page, problems } = await openPhone();
    await page.getByText('No devices paired yet.').waitFor();
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Your home');

    await page.getByLabel('Give your home a name').fill('Maple Street');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved on this device.' }).waitFor();
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Maple Street');
    assert.deepEqual(problems, [], 'no script errors on the page');
  });

  it('shows the core refusal as an alert tied to the field', async () => {
    const { page } = await openPhone();
    await page.getByText('No devices paired yet.').waitFor();
    await page.getByLabel('Give your home a name').fill('   ');
    await page.getByRole('button', { name: 'Save' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /at least one visible character/);
    assert.equal(await page.getByLabel('Give your home a name').getAttribute('aria-invalid'), 'true');
  });

  it('fits a phone screen without sideways scrolling and keeps touch targets large', async () => {
    const { page } = await openPhone();
    await page.getByText('No devices paired yet.').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a 390px phone`);
    const box = await page.getByRole('button', { name: 'Save' }).boundingBox();
    assert.ok(box && box.height >= 44, `the Save button is ${box?.height}px tall; 44px is the touch minimum`);
  });

  /** Whether `locator`'s element is inside the window and on top at its centre (nothing, such
   *  as the tab bar, covers it). */
  async function seen(locator) {
    return locator.evaluate((node) => {
      const box = node.getBoundingClientRect();
      const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      return {
        inViewport: box.top >= 0 && box.bottom <= window.innerHeight,
        onTop: top !== null && (top === node || node.contains(top)),
      };
    });
  }

  for (const viewport of [
    { width: 360, height: 780 },
    { width: 1280, height: 800 },
  ]) {
    it(`shows each refusal where the owner is looking, not under the tab bar, at ${viewport.width}px`, async () => {
      const { page } = await openPhone(viewport);
      await page.getByText('No devices paired yet.').waitFor();
      const refusals = [];
      const expectSeen = async (what, alert) => {
        await alert.waitFor();
        await page.waitForTimeout(300);
        refusals.push([what, await seen(alert)]);
      };

      // The last form on the home, whose refusal used to land under the tab bar.
      await page.getByRole('button', { name: 'Erase everything…' }).click();
      await page.getByLabel(/Type ERASE to confirm/).fill('yes');
      await page.getByRole('button', { name: 'Erase', exact: true }).click();
      await expectSeen('erase', page.getByRole('alert').filter({ hasText: 'Nothing was erased' }));

      // A wrong setup code on Add a device.
      await page.getByRole('button', { name: 'Add a device' }).click();
      await page.getByRole('button', { name: 'Scan' }).click();
      await page.getByText('Thermostat', { exact: true }).click();
      await page.getByLabel(/The 8 digits/).fill('1111-2222');
      await page.getByRole('button', { name: 'Pair' }).click();
      await expectSeen('wrong code', page.getByRole('alert').filter({ hasText: 'does not match' }));

      // An empty quantity on a consumable.
      await page.getByRole('button', { name: /^Inventory/ }).click();
      await page.getByRole('button', { name: /Dish soap/ }).first().click();
      await page.getByRole('button', { name: 'Record' }).click();
      await expectSeen('empty quantity', page.locator('#buy-error'));

      for (const [what, where] of refusals) {
        assert.ok(where.inViewport, `${what}: the message is inside the window`);
        assert.ok(where.onTop, `${what}: nothing (the tab bar) covers it`);
      }
    });
  }

  it('moves focus to the new screen\'s heading when the screen changes', async () => {
    const { page } = await openPhone();
    await page.getByText('No devices paired yet.').waitFor();
    await page.getByRole('button', { name: /Inventory/ }).click();
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Inventory');
  });
});
