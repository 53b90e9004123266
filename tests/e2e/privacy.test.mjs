// The consent gate through the real app, against the reference partner server on loopback:
// reorder soap, allow it in the just-in-time prompt, see the entry in the ledger and exactly that
// at the server; withdraw in the privacy center, reorder again, and nothing reaches the server.
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

describe('sharing with a brand goes through consent, the ledger and nothing else', () => {
  let partners;
  before(async () => {
    partners = await startPartnerServer();
  });
  after(() => partners?.stop());
  const running = appWithSimulatedHome(async () => ({ STEWARD_DEMO_PARTNERS: partners.demoPartners }));

  it('grants in the prompt, reorders, shows the ledger entry; after withdrawal nothing is sent', async () => {
    const app = await running.driver.session();
    try {
      await pairFromTheApp(app, 'Dish soap', '1234-5678');
      await click(app, tab('Privacy'));
      await waitForPageText(app, 'Sudsy');
      await waitForPageText(app, 'Nothing has left this phone.');

      await click(app, tab('Inventory'));
      await click(app, '//button[contains(., "Dish soap")]');
      const brand = await located(app, By.id('brand'));
      await brand.sendKeys('Sudsy');
      await click(app, button('Save brand'));
      await click(app, button('Reorder Dish soap'));
      const question = await located(app, By.id('consent-title'));
      assert.equal(await question.getText(), 'Send this to Sudsy?');
      await waitForPageText(app, 'Dish soap: 10 of 40 packets left');
      await app.wait(() => visibleAndUncovered(app, question), WAIT_MS);
      await screenshot(app, 'consent-prompt');
      assert.equal(partners.received().length, 0, 'asking sends nothing');

      await click(app, button('Allow'));
      await waitForPageText(app, 'Sudsy will deliver your order in 2 days.');
      await app.wait(() => partners.received().length === 1, WAIT_MS);
      const [order] = partners.received();
      assert.equal(order.partner, 'sudsy');
      assert.equal(order.path, '/sudsy/v1/orders');
      assert.equal(order.status, 200);
      const body = JSON.parse(order.body);
      assert.equal(body.data.level.remaining, 10);
      assert.equal(body.receipts[0].iso27560.status, 'active');

      await click(app, tab('Privacy'));
      await waitForPageText(app, 'Delivered');
      await waitForPageText(app, 'Dish soap: 10 of 40 packets left');
      await click(app, button('Show the exact data'));
      const shown = await located(app, By.css('pre.payload'));
      assert.ok((await shown.getText()).includes('"remaining": 10'), 'the exact bytes are shown');
      await screenshot(app, 'ledger');

      // Withdraw, in one tap, from the partner's matrix.
      const sudsy = '//article[.//h3[normalize-space(.)="Sudsy"]]';
      const levels = `${sudsy}//fieldset[legend[normalize-space(.)="Reorders and delivery you start"]]//label[contains(., "Supply levels")]`;
      await waitForPageText(app, 'Some items');
      await click(app, levels);
      await app.wait(async () => (await (await located(app, By.xpath(levels))).getText()).includes('Not shared'), WAIT_MS);
      await waitForPageText(app, 'Withdrawn');

      await click(app, tab('Inventory'));
      await click(app, '//button[contains(., "Dish soap")]');
      await click(app, button('Reorder Dish soap'));
      await located(app, By.id('consent-title'));
      await click(app, button('Not now'));
      await waitForPageText(app, 'Nothing was sent to Sudsy.');
      await new Promise((resolve) => setTimeout(resolve, 600));
      assert.equal(partners.received().length, 1, 'after withdrawal nothing reached the partner');

      // The Blu-ray maker's support gets the player's diagnostics, once the owner chose it and
      // allowed it.
      await click(app, tab('Home'));
      await pairFromTheApp(app, 'Blu-ray player', '3456-7890');
      const choose = await located(app, By.id('support-partner'));
      assert.equal(await choose.getAttribute('value'), '', 'no partner is chosen for the owner');
      await click(app, '//select[@id="support-partner"]/option[normalize-space(.)="Lumaview"]');
      await click(app, button('Continue'));
      await waitForPageText(app, 'So that its support can help with Blu-ray player, Lumaview would receive:');
      await click(app, button('Allow'));
      await waitForPageText(app, "Sent to Lumaview's support.");
      await app.wait(() => partners.received().length === 2, WAIT_MS);
      const support = partners.received()[1];
      assert.equal(support.path, '/lumaview/v1/support');
      const diagnostics = JSON.parse(support.body).data.diagnostics;
      assert.equal(diagnostics.kind, 'bluray_player');
      assert.ok('firmware' in diagnostics && 'recentErrors' in diagnostics, JSON.stringify(diagnostics));
      await screenshot(app, 'device-support');
    } finally {
      await app.quit();
    }
  });
});
