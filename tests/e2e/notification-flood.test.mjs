// A flood of offers in the real app: five brands have an offer for this household at once
// (soap running low, bread running low, a Blu-ray player, and the phone at the market), during
// the owner's quiet hours. Nothing but a device alert is shown then; the alert is shown at once.
// When quiet hours end, only the day's budget of offers is shown (one per brand), the rest wait
// silently in the inbox, and the owner's history says why, in words.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { By } from './driver.mjs';
import { localTime, notified, openNotificationSettings, pause, setQuietHours, useLocation } from './notify-helpers.mjs';
import { startPartnerServer } from './partners.mjs';
import {
  appWithSimulatedHome,
  button,
  click,
  located,
  pairFromTheApp,
  screenshot,
  tab,
  visibleAndUncovered,
  WAIT_MS,
  waitForPageText,
} from './ui.mjs';

const OFFERS = [
  'Sudsy dish soap refill, 15% off',
  'Crumb & Co. sandwich loaf',
  'Goldcrust sourdough, 30% off today',
  'Lens cleaning disc for your BD-7, 20% off',
  'Cornerway own-brand dish soap',
];
const offer = (name) => `//article[@aria-label="${name}"]`;

describe('a flood of offers under one budget, quiet hours holding and releasing them', () => {
  let partners;
  before(async () => {
    partners = await startPartnerServer();
  });
  after(() => partners?.stop());
  const running = appWithSimulatedHome(async () => ({
    STEWARD_DEMO_PARTNERS: partners.demoPartners,
  }));

  it('five brands at once: quiet hours hold all but a device alert, then only the budget is shown', async () => {
    const app = await running.driver.session();
    const home = running.home;
    const offersShown = () => home.notifications().filter((n) => OFFERS.includes(n.summary));
    try {
      // Quiet hours now (from an hour ago to an hour from now), the default budget: 3 a day, 1 a brand.
      await setQuietHours(app, { from: await localTime(app, -60), until: await localTime(app, 60) });
      assert.equal(await (await app.findElement(By.id('notify-budget'))).getAttribute('value'), '3');
      assert.equal(await (await app.findElement(By.id('notify-cap'))).getAttribute('value'), '1');

      // The household: soap low (Sudsy), bread low (Crumb, and Goldcrust at the store), a Lumaview
      // player; the phone at the market (Cornerway's and the market's geofences).
      const pair = async (name, code, options) => {
        await click(app, tab('Home'));
        await pairFromTheApp(app, name, code, options);
      };
      await pair('Dish soap', '1234-5678');
      await click(app, tab('Inventory'));
      await click(app, '//button[contains(., "Dish soap")]');
      await (await located(app, By.id('brand'))).sendKeys('Sudsy');
      await click(app, button('Save brand'));
      await pair('Toaster', '2345-6789', { startingLevel: 2 });
      await pair('Blu-ray player', '3456-7890');
      await home.act('location 52.5219,13.4132');
      await useLocation(app, true);
      await click(app, tab('Offers'));
      for (const name of OFFERS) await located(app, By.xpath(offer(name)));

      // Quiet hours: the visit settles (20 s), and still no offer and no reminder is shown.
      await pause(25_000);
      assert.deepEqual(offersShown(), [], 'quiet hours hold every offer');
      assert.equal(home.notifications().filter((n) => /running low/.test(n.summary)).length, 0, 'and reminders');

      // The soap runs out: a device alert is shown at once, quiet hours or not.
      for (let i = 0; i < 10; i += 1) await home.act('dispense soap_dispenser');
      const emptied = Date.now();
      const alert = await notified(home, 'Out of Dish soap');
      console.log(`device alert ${Date.now() - emptied} ms after the soap ran out, in quiet hours`);
      assert.equal(alert.body, 'Dish soap has run out. It is on your shopping list.');
      assert.deepEqual(offersShown(), [], 'the alert brought no offer with it');

      // The owner reads why the offers wait.
      await openNotificationSettings(app);
      await waitForPageText(app, 'quiet hours');

      // Quiet hours end (switched off): the held offers are released, within the budget.
      await setQuietHours(app, null);
      await app.wait(() => offersShown().length === 3, WAIT_MS, 'three offers released');
      await pause(3_000);
      const shown = offersShown().map((n) => n.summary);
      assert.equal(shown.length, 3, `only the day's budget: ${JSON.stringify(shown)}`);
      assert.equal(home.notifications().filter((n) => n.summary === 'Bread is running low').length, 1, 'the reminder, released once');
      await screenshot(app, 'flood-history');

      // The history says why the other two were not shown; the inbox still has all five.
      await openNotificationSettings(app);
      await waitForPageText(app, "today's limit of 3 offers");
      await click(app, tab('Offers'));
      for (const name of OFFERS) {
        const item = await located(app, By.xpath(offer(name)));
        await app.executeScript((el) => el.scrollIntoView({ block: 'center' }), item);
        assert.ok(await visibleAndUncovered(app, item), `${name} is in the inbox`);
      }
      assert.equal(partners.received().length, 0, 'matching, deciding and notifying sent nothing to any brand');
    } finally {
      await app.quit();
    }
  });
});
