// Notifications in the real app, against the simulated home (which is also the desktop's
// notification service on the tests' private session bus, recording every notification) and
// the reference partner server on loopback.
//
// The confused owner (the brief's Blu-ray scenario): five presses on the player's remote within
// the maker's window bring the maker's guide as a notification within moments, once; tapping it
// opens the guide at the step for what the player shows now. Nothing about the presses reaches
// the maker. Still stuck, the owner asks the maker (with the player's diagnostics, once they saw
// them) and the maker's support agent replies, live.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { By } from './driver.mjs';
import { notified } from './notify-helpers.mjs';
import { startPartnerServer } from './partners.mjs';
import { appWithSimulatedHome, button, click, located, pairFromTheApp, screenshot, visibleAndUncovered, WAIT_MS } from './ui.mjs';

describe('notifications from the real app, as the desktop shows them', () => {
  let partners;
  before(async () => {
    partners = await startPartnerServer();
  });
  after(() => partners?.stop());
  const running = appWithSimulatedHome(async () => ({
    STEWARD_DEMO_PARTNERS: partners.demoPartners,
    STEWARD_DEMO_POSITION: '52.5219,13.4132',
  }));

  it('the confused owner: five presses bring the maker\'s guide, once, and a tap opens it at the right step', async () => {
    const app = await running.driver.session();
    const home = running.home;
    try {
      await pairFromTheApp(app, 'Blu-ray player', '3456-7890');
      const disclosed = partners.received().length;

      // The owner switches the player on and presses Menu, again and again.
      await home.act('press bluray_player power');
      for (let i = 0; i < 4; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        await home.act('press bluray_player menu');
      }
      const fifth = Date.now();
      const shown = await notified(home, 'Lumaview: Getting to the disc menu');
      console.log(`tutorial notification ${Date.now() - fifth} ms after the fifth press (polled every 50 ms)`);
      assert.equal(
        shown.body,
        "Blu-ray player saw 5 presses within 20 seconds: Lumaview's guide \u201cGetting to the disc menu\u201d may help.",
      );
      // The desktop names the sender after the app's executable (notify-rust's default on Linux).
      assert.equal(shown.appName, 'steward');
      assert.ok(shown.actions.includes('default'), 'a tap is reported back to the app');

      // Still pressing: no second notification within the cooldown.
      for (let i = 0; i < 5; i += 1) await home.act('press bluray_player menu');
      await new Promise((resolve) => setTimeout(resolve, 2000));
      assert.equal(home.notifications().filter((n) => n.summary.startsWith('Lumaview')).length, 1);

      // The owner taps it: the app opens the guide at the step for the disc menu.
      await home.act('tap-notification Lumaview');
      const title = await located(app, By.xpath('//h1[normalize-space(.)="Getting to the disc menu"]'));
      await app.wait(() => visibleAndUncovered(app, title), WAIT_MS);
      const step = await located(app, By.id('step-title'));
      await app.wait(async () => (await step.getText()) === 'Step 3 of 4', WAIT_MS);
      assert.match(await (await app.findElement(By.css('.tutorial .state'))).getText(), /disc menu/);
      assert.match(
        await (await app.findElement(By.css('.tutorial .text'))).getText(),
        /Move with the arrows/,
      );
      await screenshot(app, 'notification-opens-guide');

      // The maker received nothing about the presses (the server records every disclosure).
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(partners.received().length, disclosed);

      // Still stuck: the owner asks the maker, with the player's diagnostics once they saw them.
      await click(app, button('Still stuck? Ask Lumaview'));
      await (await located(app, By.id('ask-message'))).sendKeys('The disc menu never shows up, even after pressing Menu.');
      await click(app, '//label[contains(., "diagnostics")]');
      await click(app, button('Send to Lumaview'));
      const question = await located(app, By.id('consent-title'));
      assert.equal(await question.getText(), 'Send this to Lumaview?');
      assert.equal(partners.received().length, disclosed, 'asking sends nothing');
      await click(app, button('Allow'));
      const asked = Date.now();
      await located(app, By.xpath('//section[@role="log"]//li[contains(., "The disc menu never shows up")]'));
      const reply = await located(app, By.xpath('//section[@role="log"]//li[.//p[contains(@class, "who")][normalize-space(.)="Ana at Lumaview"]]'));
      console.log(`support reply on screen ${Date.now() - asked} ms after Allow`);
      await app.executeScript((el) => el.scrollIntoView({ block: 'center' }), reply);
      await app.wait(() => visibleAndUncovered(app, reply), WAIT_MS);
      assert.match(await reply.getText(), /press Stop twice and then Menu/);
      assert.match(await reply.getText(), /diagnostics \(firmware /, 'the maker saw the diagnostics the owner allowed');
      const support = partners.received().filter((r) => r.path === '/lumaview/v1/support');
      assert.equal(support.length, 1);
      const sent = JSON.parse(support[0].body);
      assert.equal(sent.data.message, 'The disc menu never shows up, even after pressing Menu.');
      assert.equal(sent.data.topic, 'lumaview-disc-menu');
      assert.equal(sent.data.diagnostics.kind, 'bluray_player');
      await screenshot(app, 'ask-the-maker-reply');

      // The owner answers; the conversation goes on, live.
      await (await located(app, By.id('reply-message'))).sendKeys('Yes, that works, thank you!');
      await click(app, '//form[@aria-labelledby="reply-title"]//button[@type="submit"]');
      await app.wait(
        async () => (await app.findElements(By.xpath('//section[@role="log"]//li[not(contains(@class, "mine"))]'))).length === 2,
        WAIT_MS,
        'a second reply',
      );
    } finally {
      await app.quit();
    }
  });
});
