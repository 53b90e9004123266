// Near a store (the brief's scenario) in the real app: the simulated home is the desktop's
// location service (GeoClue2 on the app's system bus) and walks a scripted route; the app
// follows it only once the owner switched "Use my location" on, evaluates the stores' geofences
// on the phone with a dwell time, and notifies the store's offer. Nothing about the visit reaches
// the partner until the owner grants it their exact position; then the position goes, and the
// ledger says so. When the location service goes away mid-route, the app says so.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { By } from './driver.mjs';
import { notified, pause, setQuietHours, useLocation } from './notify-helpers.mjs';
import { startPartnerServer } from './partners.mjs';
import { appWithSimulatedHome, click, located, screenshot, tab, visibleAndUncovered, WAIT_MS, waitForPageText } from './ui.mjs';

const MARKET = '52.5219,13.4132';
const TWO_KM_NORTH = '52.5400,13.4132';
const OFFER = 'Cornerway own-brand dish soap';
/** A visit counts after 20 s in the fence; the walk and the notification loop add a little. */
const VISIT_MS = 60_000;

const shares = (partners, partner) => partners.received().filter((r) => r.path === `/${partner}/v1/share`);

describe('store offers from geofences on the phone, the position shared only under a grant', () => {
  let partners;
  before(async () => {
    partners = await startPartnerServer();
  });
  after(() => partners?.stop());
  const running = appWithSimulatedHome(async () => ({
    STEWARD_DEMO_PARTNERS: partners.demoPartners,
  }));

  it('a walk into the store\'s geofence brings its offer; the exact position leaves only once granted', async () => {
    const app = await running.driver.session();
    const home = running.home;
    try {
      // Whatever the hour the test runs at: no quiet hours.
      await setQuietHours(app, null);
      await home.act(`location ${TWO_KM_NORTH}`);

      // Location is off by default: a walk to the store brings nothing.
      await home.act(`location ${MARKET}`);
      await pause(3_000);
      assert.equal(home.notifications().filter((n) => n.summary === OFFER).length, 0, 'location off: no store offers');
      await home.act(`location ${TWO_KM_NORTH}`);

      // The owner switches location on: the app follows the location service.
      await useLocation(app, true);
      const status = await located(app, By.xpath('//*[@role="status"][contains(., "Steward uses your position")]'));
      await app.wait(() => visibleAndUncovered(app, status), WAIT_MS, 'the state is on screen');

      // A walk to the market: the offer once the visit has lasted the dwell time.
      await home.act(`walk to ${MARKET} in 10s`);
      const started = Date.now();
      const shown = await notified(home, OFFER, VISIT_MS);
      console.log(`store offer ${Date.now() - started} ms after the walk began (10 s walk, 20 s dwell)`);
      assert.match(shown.body, /Cornerway/);
      await waitForPageText(app, 'Cornerway Alexanderplatz');
      await screenshot(app, 'at-the-store');
      await pause(1_000);
      assert.equal(shares(partners, 'cornerway').length, 0, 'no grant: nothing about the visit left the phone');

      // The owner lets Cornerway have their exact position for offers, and visits again.
      await click(app, tab('Privacy'));
      const cornerway = '//article[.//h3[normalize-space(.)="Cornerway Stores"]]';
      const exact = `${cornerway}//fieldset[legend[normalize-space(.)="Offers for you"]]//label[contains(., "Your exact position")]`;
      await click(app, exact);
      await screenshot(app, 'grant-exact-position');
      await app.wait(
        async () => (await (await located(app, By.xpath(exact))).getText()).includes('Allowed until'),
        WAIT_MS,
        'Cornerway may have the exact position',
      );
      await home.act(`location ${TWO_KM_NORTH}`);
      await pause(1_500);
      await home.act(`location ${MARKET}`);
      await app.wait(() => shares(partners, 'cornerway').length === 1, VISIT_MS, 'the visit shared under the grant');
      const [share] = shares(partners, 'cornerway');
      const body = JSON.parse(share.body);
      assert.deepEqual(body.data.position, { latitude: 52.5219, longitude: 13.4132, accuracyMeters: body.data.position.accuracyMeters });
      assert.ok(body.data.position.accuracyMeters > 0 && body.data.position.accuracyMeters <= 50, JSON.stringify(body.data));
      assert.equal(shares(partners, 'goldcrust').length, 0, 'Goldcrust has no grant: it hears nothing');

      // The ledger shows the position went to Cornerway.
      await click(app, tab('Offers'));
      await click(app, tab('Privacy'));
      await waitForPageText(app, 'Your exact position');
      const entry = await located(app, By.xpath('//ol[contains(@class, "timeline")]/li[contains(., "Cornerway")]'));
      assert.match(await entry.getText(), /exact position/i);
      assert.equal(
        home.notifications().filter((n) => n.summary === OFFER).length,
        1,
        'the same offer is not said twice in a day',
      );

      // The location service goes away mid-route: the app says so, in words.
      await home.act('location off');
      await useLocation(app, true);
      const lost = await located(app, By.xpath('//*[@role="status"][contains(., "the location service stopped")]'));
      // The owner scrolls down to the location section, as they would to read it.
      await app.executeScript((el) => el.scrollIntoView({ block: 'center' }), lost);
      await app.wait(() => visibleAndUncovered(app, lost), WAIT_MS, 'the loss is on screen');
      await screenshot(app, 'location-lost');
    } finally {
      await app.quit();
    }
  });
});
