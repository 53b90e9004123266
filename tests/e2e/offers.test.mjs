// Offers in the real app, against the simulated home and the reference partner server on
// loopback (the brief's soap and toaster scenarios): the soap maker's reorder offer appears when
// the dispenser runs low, says why, and reorders through the consent prompt; the toaster's bread
// brings the bread brand's offer and the competitor's coupon at the nearby store, and stopping
// the competitor's offers removes the coupon until the owner allows them again. Matching happens
// on the phone: the partners receive nothing but the order the owner allowed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { By } from './driver.mjs';
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

const offer = (name) => `//article[@aria-label="${name}"]`;

/** Opens Offers and checks the partners' feeds again, as an owner would pull to refresh. */
async function openOffers(app) {
  await click(app, tab('Offers'));
  await located(app, By.xpath('//h1[normalize-space(.)="Offers and help"]'));
  await click(app, button('Check for new offers'));
  await waitForPageText(app, 'Check for new offers');
}

describe('offers from signed partner feeds, matched on the phone', () => {
  let partners;
  before(async () => {
    partners = await startPartnerServer();
  });
  after(() => partners?.stop());
  const running = appWithSimulatedHome(async () => ({
    STEWARD_DEMO_PARTNERS: partners.demoPartners,
    // The simulated home's street, about 280 m from Main Street Market.
    STEWARD_DEMO_POSITION: '52.5219,13.4132',
  }));

  it('soap: the maker offers a refill when soap runs low, says why, and reorders with consent', async () => {
    const app = await running.driver.session();
    try {
      await pairFromTheApp(app, 'Dish soap', '1234-5678');
      await click(app, tab('Inventory'));
      await click(app, '//button[contains(., "Dish soap")]');
      await (await located(app, By.id('brand'))).sendKeys('Sudsy');
      await click(app, button('Save brand'));

      await openOffers(app);
      const soap = await located(app, By.xpath(offer('Sudsy dish soap refill, 15% off')));
      // Scrolled to, as the owner would after checking for new offers at the bottom.
      await app.executeScript((el) => el.scrollIntoView({ block: 'start' }), soap);
      await app.wait(() => visibleAndUncovered(app, soap), WAIT_MS);
      assert.ok((await soap.getText()).includes('Main Street Market, 280 m away'));
      await click(app, `${offer('Sudsy dish soap refill, 15% off')}//summary`);
      await waitForPageText(app, 'You have 10 packets of dish soap left, and Sudsy has it 15% off at Main Street Market, 280 m away.');
      await screenshot(app, 'offers-why');
      assert.equal(partners.received().length, 0, 'matching sent nothing');

      await click(app, `${offer('Sudsy dish soap refill, 15% off')}//button[normalize-space(.)="Reorder"]`);
      const question = await located(app, By.id('consent-title'));
      assert.equal(await question.getText(), 'Send this to Sudsy?');
      await app.wait(() => visibleAndUncovered(app, question), WAIT_MS);
      await click(app, button('Allow'));
      await waitForPageText(app, 'Sudsy will deliver your order in 2 days.');
      await app.wait(() => partners.received().length === 1, WAIT_MS);
      assert.equal(partners.received()[0].path, '/sudsy/v1/orders');
    } catch (error) {
      await screenshot(app, 'offers-soap-failed');
      console.error(await (await app.findElement(By.css('body'))).getText());
      throw error;
    } finally {
      await app.quit();
    }
  });

  it('toaster: the competitor’s bread coupon shows at the store until the owner stops that brand', async () => {
    const app = await running.driver.session();
    try {
      await pairFromTheApp(app, 'Toaster', '2345-6789', { startingLevel: 2 });
      await openOffers(app);
      await located(app, By.xpath(offer('Crumb & Co. sandwich loaf')));
      const coupon = await located(app, By.xpath(offer('Goldcrust sourdough, 30% off today')));
      assert.ok((await coupon.getText()).includes('30% off'));
      await screenshot(app, 'offers-bread');

      await click(app, button('Stop offers from Goldcrust Bakery'));
      await app.wait(async () => (await app.findElements(By.xpath(offer('Goldcrust sourdough, 30% off today')))).length === 0, WAIT_MS);
      await located(app, By.xpath(offer('Crumb & Co. sandwich loaf')));
      await waitForPageText(app, 'Offers you stopped');

      // Still stopped after the feeds are fetched again.
      await click(app, button('Check for new offers'));
      await waitForPageText(app, 'Check for new offers');
      assert.equal((await app.findElements(By.xpath(offer('Goldcrust sourdough, 30% off today')))).length, 0);

      await click(app, button('Allow offers from Goldcrust Bakery'));
      await located(app, By.xpath(offer('Goldcrust sourdough, 30% off today')));
      assert.equal(
        partners.received().filter((r) => r.partner === 'goldcrust' || r.partner === 'crumb').length,
        0,
        'the bread brands learned nothing about this household',
      );
    } finally {
      await app.quit();
    }
  });
});
