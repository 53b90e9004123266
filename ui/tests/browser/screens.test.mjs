// Every screen of the built UI, walked in Debian's Chromium at phone size (360×780) and desktop
// size (1280×800), the way an owner would reach it: each is checked by axe-core for WCAG 2.2 AA,
// for sideways scrolling, and for touch targets under 44 px. What the core does on its own (asking
// about notifications, a tapped notification) is triggered through `window.stewardTest`. The IPC is answered by the
// in-memory backend set up like the demo's home (src/lib/backend/browser-test-ipc.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { pairFromAddDevice, useChromium } from './chromium.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const launch = useChromium();
const SHOTS = fileURLToPath(new URL('../../../tests/artifacts/screens', import.meta.url));

async function open(viewport, colorScheme = 'light') {
  const opened = await launch(viewport, colorScheme);
  await opened.page.getByText('No devices paired yet.').waitFor();
  return opened;
}

/** What a person would find wrong on the screen now: axe's WCAG 2.2 AA violations, sideways
 *  scrolling, and visible controls smaller than a fingertip. */
async function inspect(page, screen) {
  await page.waitForTimeout(150);
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
  const axe = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
  const layout = await page.evaluate(() => {
    const small = [];
    for (const el of document.querySelectorAll('button, input:not([type="range"]):not([type="checkbox"]):not([type="radio"]), select, textarea')) {
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (box.width === 0 || style.visibility === 'hidden') continue;
      if (box.height < 44 || box.width < 44) {
        small.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute('aria-label') || el.id).trim()}" ${Math.round(box.width)}×${Math.round(box.height)}`);
      }
    }
    return { overflow: document.documentElement.scrollWidth - window.innerWidth, small };
  });
  return [
    ...axe.map((v) => `${screen}: ${v}`),
    ...(layout.overflow > 0 ? [`${screen}: the page is ${layout.overflow}px wider than the window`] : []),
    ...layout.small.map((s) => `${screen}: touch target under 44px: ${s}`),
  ];
}

/** The core's reason for asking, as it words it. */
const ASKING =
  'Steward has something to tell you: “Dish soap is running low”. Allow notifications so that help, reminders and a few offers reach you when they matter. You choose how many in Settings, and quiet hours keep nights quiet.';

/** Whether `locator`'s element is inside the window and on top at its centre (nothing, such as
 *  the tab bar, covers it). */
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

/** Walks every screen the way an owner reaches it, inspecting each; returns what was found. */
async function walk(page) {
  const found = [];
  const look = async (name) => {
    found.push(...(await inspect(page, name)));
    // STEWARD_SHOTS=1 keeps what each step looked like, for a person to review (not committed).
    if (process.env.STEWARD_SHOTS) {
      const { width } = page.viewportSize();
      const scheme = await page.evaluate(() => (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: `${SHOTS}/${width}-${scheme}-${name.replace(/[^a-z0-9]+/gi, '-')}.png` });
    }
  };

  await look('home, nothing paired');
  await page.getByRole('button', { name: 'Add a device' }).click();
  await page.getByRole('heading', { name: 'Add a device', level: 1 }).waitFor();
  await look('add a device');
  await page.getByRole('button', { name: 'Scan' }).click();
  await page.getByRole('list', { name: 'Devices found' }).waitFor();
  await look('add a device, scanned');
  await page.getByText('Toaster', { exact: true }).click();
  await page.getByLabel('How many slices of bread do you have now?').waitFor();
  await look('add a device, the toaster asks about bread');
  await page.getByLabel(/The 8 digits/).fill('1111-1111');
  await page.getByRole('button', { name: 'Pair' }).click();
  await page.getByRole('alert').waitFor();
  await look('add a device, wrong code');

  const devices = [
    ['Dish soap', '1234-5678'],
    ['Toaster', '2345-6789'],
    ['Blu-ray player', '3456-7890'],
    ['Kitchen light', '4567-8901'],
    ['Thermostat', '5678-9012'],
  ];
  for (const [name, code] of devices) {
    await pairFromAddDevice(page, name, code);
    await look(`device: ${name}`);
    await page.getByRole('button', { name: 'Identify (blink or beep)' }).click();
    await page.getByTestId('command-confirmed').waitFor();
    await look(`device: ${name}, a command confirmed`);
    if (name === 'Blu-ray player') {
      await page.getByRole('form', { name: 'Help from the maker' }).getByRole('combobox').selectOption('lumaview');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('region', { name: 'Send this to Lumaview?' }).waitFor();
      await look('device, diagnostics consent prompt');
      await page.getByRole('button', { name: 'Not now' }).click();
    }
  }

  await page.getByRole('button', { name: /^Home/ }).click();
  await page.getByRole('list', { name: 'Paired devices' }).waitFor();
  await look('home, five devices');
  await page.getByRole('button', { name: 'Add a device' }).click();
  await page.getByRole('button', { name: 'Scan' }).click();
  await page.getByRole('list', { name: 'Already paired' }).waitFor();
  await look('add a device, all already paired');

  await page.getByRole('button', { name: /^Home/ }).click();
  await page.getByRole('button', { name: 'Export everything' }).click();
  await page.getByTestId('export-path').waitFor();
  await look('home, exported');
  await page.getByRole('button', { name: 'Erase everything…' }).click();
  await page.getByLabel(/Type ERASE to confirm/).fill('no');
  await page.getByRole('button', { name: 'Erase', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'Nothing was erased' }).waitFor();
  await look('home, erase refused');

  await page.getByRole('button', { name: /^Inventory/ }).click();
  await page.getByRole('button', { name: /Dish soap/ }).first().waitFor();
  await look('inventory');
  await page.getByRole('button', { name: /Dish soap/ }).first().click();
  await page.getByRole('heading', { name: 'Dish soap', level: 1 }).waitFor();
  await look('consumable: dish soap');
  await page.getByRole('button', { name: 'Record' }).click();
  await page.locator('#buy-error').waitFor();
  await look('consumable, empty quantity refused');
  await page.getByRole('button', { name: 'Reorder Dish soap' }).click();
  await page.getByRole('region', { name: 'Send this to Sudsy?' }).waitFor();
  await look('consumable, consent prompt');
  await page.getByRole('button', { name: 'Allow', exact: true }).click();
  await page.getByText('Sudsy will deliver your order in 2 days.').waitFor();
  await look('consumable, reordered');

  await page.getByRole('button', { name: /^Shopping/ }).click();
  await page.getByRole('heading', { name: 'Shopping', level: 1 }).waitFor();
  await look('shopping list');
  await page.getByRole('button', { name: 'Edit Dish soap' }).click();
  await look('shopping list, editing an item');

  await page.getByRole('button', { name: /^Offers/ }).click();
  await page.getByRole('heading', { name: 'Offers and help', level: 1 }).waitFor();
  await page.getByRole('article', { name: 'Sudsy dish soap refill, 15% off' }).waitFor();
  await look('offers');
  await page.getByRole('article', { name: 'Sudsy dish soap refill, 15% off' }).getByText('Why am I seeing this?').click();
  await look('offers, why am I seeing this');
  await page.getByLabel('Product, or the number under its barcode').fill('dish soap');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByText('2 offers for “dish soap”').waitFor();
  await look('offers, search results');
  await page.getByLabel('Measure distances from').selectOption({ label: 'Cornerway Alexanderplatz (Cornerway)' });
  await page.getByRole('form', { name: 'Find the best deal' }).getByText('Cornerway Alexanderplatz, 10 m away').waitFor();
  await look('offers, distances from a place');
  await page.getByRole('button', { name: 'Stop offers from Goldcrust Bakery' }).click();
  await page.getByRole('region', { name: 'Offers you stopped' }).waitFor();
  await look('offers, a brand stopped');
  await page.getByRole('button', { name: 'Show me how' }).click();
  await page.getByRole('heading', { name: 'Step 1 of 3' }).waitFor();
  await look('tutorial');
  await page.getByRole('button', { name: 'Next step' }).click();
  await page.getByRole('button', { name: 'Next step' }).click();
  await page.getByRole('button', { name: 'Done' }).waitFor();
  await look('tutorial, last step');

  // The guide did not help: the owner asks its maker, with the player's diagnostics.
  await page.getByRole('button', { name: 'Still stuck? Ask Lumaview' }).click();
  await page.getByRole('heading', { name: 'Ask Lumaview', level: 1 }).waitFor();
  await page.getByRole('checkbox', { name: "Include Blu-ray player's diagnostics" }).waitFor();
  await look('ask the maker');
  await page.getByRole('button', { name: 'Send to Lumaview' }).click();
  await page.getByRole('alert').filter({ hasText: 'write something for the maker' }).waitFor();
  await look('ask the maker, an empty message refused');
  await page.getByLabel('Your message to Lumaview').fill('The disc menu does not come up.');
  await page.getByRole('checkbox', { name: "Include Blu-ray player's diagnostics" }).check();
  await page.getByRole('button', { name: 'Send to Lumaview' }).click();
  await page.getByRole('region', { name: 'Send this to Lumaview?' }).waitFor();
  await look('ask the maker, what the diagnostics would send');
  await page.evaluate(() => window.stewardTest.replyAfter(null));
  await page.getByRole('button', { name: 'Allow', exact: true }).click();
  await page.getByRole('log', { name: 'Messages with Lumaview' }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Waiting for a reply from Lumaview…' }).waitFor();
  await look('conversation, waiting for the reply');
  await page.evaluate(() => window.stewardTest.deliverReplies());
  await page.getByText(/^Hello, this is Ana at Lumaview support/).waitFor();
  await look('conversation, the maker replied');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'write something for the maker' }).waitFor();
  await look('conversation, an empty message refused');
  await page.getByRole('button', { name: '← Guide' }).click();
  await page.getByRole('button', { name: 'Your conversation with Lumaview' }).waitFor();
  await look('tutorial, with the conversation');

  await page.getByRole('button', { name: /^Privacy/ }).click();
  await page.getByRole('heading', { name: 'Privacy', level: 1 }).waitFor();
  await page.getByRole('article', { name: 'Sudsy' }).waitFor();
  await look('privacy center');
  await page.getByRole('button', { name: 'Show the exact data' }).first().click();
  // The newest entry: the message to Lumaview's support, with the player's diagnostics.
  await page.getByText('"kind": "support"').waitFor();
  await look('privacy, the exact data of an entry');
  await page.getByRole('button', { name: 'Show the receipt' }).first().click();
  await look('privacy, a receipt');
  await page.getByRole('button', { name: 'Remove Cornerway Stores' }).click();
  await page.getByRole('group', { name: 'Remove Cornerway Stores' }).waitFor();
  await look('privacy, confirming a removal');

  await page.getByRole('button', { name: 'Notification settings' }).click();
  await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
  await page.getByRole('list', { name: 'What Steward decided' }).waitFor();
  await look('notifications');
  const nearby = page.getByRole('region', { name: 'Store offers near you' });
  await nearby.getByRole('switch', { name: /Use my location/ }).click();
  await nearby.getByRole('status').filter({ hasText: 'Steward uses your position on this phone' }).waitFor();
  await page.evaluate(() => window.stewardTest.arriveAt(['Cornerway Alexanderplatz']));
  await nearby.getByText('You are at: Cornerway Alexanderplatz').waitFor();
  await look('notifications, location on, at a store');
  // Goldcrust Bakery was stopped on the Offers screen: its switch here says so, and allows it again.
  const brands = page.getByRole('region', { name: 'Brands' });
  const goldcrust = brands.getByRole('switch', { name: /^Goldcrust Bakery / });
  assert.equal(await goldcrust.isChecked(), false, 'the brand stopped on the Offers screen is off here');
  await brands.getByText(/^\s*Stopped: no offers from Goldcrust Bakery reach you/).waitFor();
  await look('notifications, a brand stopped');
  await goldcrust.click();
  await brands.getByRole('switch', { name: /^Goldcrust Bakery Its offers appear in your inbox/, checked: true }).waitFor();
  await brands.getByRole('switch', { name: /^Sudsy / }).click();
  await brands.getByRole('switch', { name: /^Sudsy Stopped:/, checked: false }).waitFor();
  await look('notifications, brands switched');
  await page.getByLabel('From any one brand').fill('9');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'no more than offers a day in all' }).waitFor();
  await look('notifications, a limit refused');
  await page.getByLabel('From any one brand').fill('2');
  await page.getByRole('switch', { name: /Quiet hours/ }).click();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  await look('notifications, saved without quiet hours');
  await page.evaluate((reason) => window.stewardTest.askForPermission(reason), ASKING);
  await page.getByRole('region', { name: 'Notifications' }).waitFor();
  await look('notifications, the question before notifying');
  await page.getByRole('region', { name: 'Notifications' }).getByRole('button', { name: 'Not now' }).click();
  await page.getByText('You chose not to be notified for now.').waitFor();
  await look('notifications, not now');

  return found;
}

for (const viewport of [
  { width: 360, height: 780 },
  { width: 1280, height: 800 },
]) {
  describe(`every screen at ${viewport.width}px`, () => {
    for (const scheme of ['light', 'dark']) {
      it(`has no WCAG 2.2 AA violation, no sideways scroll and no small touch target (${scheme})`, async () => {
        const { page, problems } = await open(viewport, scheme);
        const found = await walk(page);
        assert.deepEqual(found, [], `what a person would trip over:\n${found.join('\n')}`);
        assert.deepEqual(problems, [], 'no script errors on the page');
        await page.context().close();
      });
    }
  });
}

describe('the layout a person sees', () => {
  for (const width of [320, 360]) {
    it(`fits every tab's label, and the Shopping and Offers badges, inside its own tab at ${width}px`, async () => {
      const { page } = await open({ width, height: 780 });
      // Badges on Shopping and Offers make their tabs the widest.
      await page.getByRole('button', { name: /^Shopping/ }).getByText('1').waitFor();
      await page.getByRole('button', { name: /^Offers/ }).locator('.badge').waitFor();
      const tabs = await page.getByRole('navigation', { name: 'Sections' }).getByRole('button').evaluateAll((buttons) =>
        buttons.map((b) => {
          const box = b.getBoundingClientRect();
          return { label: b.textContent.trim(), left: box.left, right: box.right, overflow: b.scrollWidth - b.clientWidth };
        }),
      );
      assert.equal(tabs.length, 5);
      for (const [i, tab] of tabs.entries()) {
        assert.ok(tab.overflow <= 0, `"${tab.label}" spills out of its tab by ${tab.overflow}px`);
        assert.ok(tab.right <= width, `"${tab.label}" ends off screen at ${tab.right}px`);
        if (i > 0) assert.ok(tab.left >= tabs[i - 1].right - 0.5, `"${tab.label}" overlaps "${tabs[i - 1].label}"`);
      }
      await page.context().close();
    });
  }

  it('keeps the Shopping badge on one line with its label at 360px', async () => {
    const { page } = await open({ width: 360, height: 780 });
    const tab = page.getByRole('button', { name: /^Shopping/ });
    await tab.getByText('1').waitFor();
    const [label, badge] = await Promise.all([
      tab.evaluate((button) => {
        const range = document.createRange();
        range.selectNodeContents(button.firstChild);
        return range.getBoundingClientRect();
      }),
      tab.locator('.badge').boundingBox(),
    ]);
    assert.ok(Math.abs(label.top + label.height / 2 - (badge.y + badge.height / 2)) < 6, 'the badge sits beside "Shopping", not under it');
    await page.context().close();
  });

  it('puts the Refilled-with field and its button side by side, both usable, at 360px', async () => {
    const { page } = await open({ width: 360, height: 780 });
    await pairFromAddDevice(page, 'Dish soap', '1234-5678');
    const field = page.getByLabel('Refilled with (packets)');
    await field.waitFor();
    const box = await field.boundingBox();
    const button = await page.getByRole('button', { name: 'Record refill' }).boundingBox();
    assert.ok(box.width >= 64, `the field is ${box.width}px wide: room for "1000"`);
    assert.ok(button.x + button.width <= 360, 'the button is on screen');
    await page.context().close();
  });

  it('shows which thermostat mode is chosen without hiding the focus ring', async () => {
    const { page } = await open({ width: 360, height: 780 });
    await pairFromAddDevice(page, 'Thermostat', '5678-9012');
    const chosen = page.getByRole('button', { name: 'Heat', pressed: true });
    await chosen.waitFor();
    const unfocused = await chosen.evaluate((b) => getComputedStyle(b).outlineStyle);
    await page.getByRole('button', { name: 'Off', exact: true, pressed: false }).focus();
    await page.keyboard.press('Tab');
    const ring = await chosen.evaluate((b) => ({ focused: document.activeElement === b, style: getComputedStyle(b).outlineStyle, width: getComputedStyle(b).outlineWidth }));
    assert.equal(unfocused, 'none', 'the chosen mode is shown by its fill, not by an outline');
    assert.ok(ring.focused, 'Tab reaches the chosen mode');
    assert.equal(ring.style, 'solid', 'and its focus ring shows');
    assert.equal(ring.width, '3px');
    await page.context().close();
  });

  it('uses the width on a desktop: sections at the side, the device beside the list', async () => {
    const { page } = await open({ width: 1280, height: 800 });
    const nav = await page.getByRole('navigation', { name: 'Sections' }).boundingBox();
    assert.ok(nav.x === 0 && nav.height > 700 && nav.width < 260, `the sections run down the left side: ${JSON.stringify(nav)}`);
    await pairFromAddDevice(page, 'Kitchen light', '4567-8901');
    const detail = page.getByRole('heading', { name: 'Kitchen light', level: 1 });
    await detail.waitFor();
    const list = await page.getByRole('list', { name: 'Paired devices' }).boundingBox();
    const shown = await detail.boundingBox();
    assert.ok(shown.x > list.x + list.width, 'the device is shown to the right of the list');
    assert.ok(Math.abs(shown.y - list.y) < 300, 'side by side, not below');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Kitchen light', 'focus goes to what changed');
    assert.equal(
      await page.getByRole('list', { name: 'Paired devices' }).getByRole('button', { name: /Kitchen light/ }).getAttribute('aria-current'),
      'true',
      'the list marks the device shown beside it',
    );
    const scrolls = await page.evaluate(() => ({
      page: document.documentElement.scrollHeight - window.innerHeight,
      panes: [...document.querySelectorAll('.pane')].map((p) => getComputedStyle(p).overflowY),
    }));
    assert.ok(scrolls.page <= 0, 'the window itself does not scroll: each pane scrolls on its own');
    assert.deepEqual(scrolls.panes, ['auto', 'auto']);
    await page.context().close();
  });

  it('asks about notifications above the tab bar at 360px, covering nothing, and goes once answered', async () => {
    const { page, problems } = await open({ width: 360, height: 780 });
    await page.evaluate((reason) => window.stewardTest.askForPermission(reason), ASKING);
    const question = page.getByRole('region', { name: 'Notifications' });
    await question.waitFor();
    await question.getByText(ASKING).waitFor();
    const tabs = await page.getByRole('navigation', { name: 'Sections' }).boundingBox();
    const box = await question.boundingBox();
    assert.ok(box.y >= 0 && box.y + box.height <= tabs.y + 0.5, `the question sits above the tab bar: ${JSON.stringify({ box, tabs })}`);
    assert.ok(box.x >= 0 && box.x + box.width <= 360, 'and inside the width of the phone');
    for (const name of ['Allow notifications', 'Not now']) {
      const where = await seen(question.getByRole('button', { name }));
      assert.ok(where.inViewport && where.onTop, `"${name}" is on screen and nothing covers it`);
    }
    // Scrolled to the end, the last of the screen stops above the question, not under it.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const last = page.locator('main button').last();
    const end = await last.boundingBox();
    assert.ok(end.y + end.height <= box.y + 0.5, `the screen's last button ends above the question: ${JSON.stringify({ end, box })}`);
    assert.ok((await seen(last)).onTop, 'nothing covers it');

    await question.getByRole('button', { name: 'Allow notifications' }).click();
    await question.waitFor({ state: 'detached' });
    // The room left for the question goes with it.
    await page.waitForFunction(() => getComputedStyle(document.querySelector('.app')).paddingBottom === '64px');
    assert.deepEqual(problems, [], 'no script errors on the page');
    await page.context().close();
  });

  it('brings the offer a tapped notification names into the middle of the screen, marked, at 360px', async () => {
    const { page, problems } = await open({ width: 360, height: 780 });
    await page.getByRole('button', { name: /^Offers/ }).click();
    await page.getByRole('article').first().waitFor();
    const items = await page
      .getByRole('article')
      .evaluateAll((articles) => articles.map((a) => ({ name: a.getAttribute('aria-label'), key: a.dataset.item })));
    assert.ok(items.length >= 4, `the inbox lists several: ${items.map((i) => i.name).join(', ')}`);
    await page.getByRole('button', { name: /^Home/ }).click();
    await page.getByRole('heading', { level: 1 }).filter({ hasText: 'Your home' }).waitFor();
    // The last offer in the list, so it has to be scrolled to.
    const last = items.filter((i) => i.key.split('|')[1] === 'offer').at(-1);
    const [partnerId, kind, itemId] = last.key.split('|');
    await page.evaluate((target) => window.stewardTest.tapNotification(target), {
      kind,
      partnerId,
      itemId,
      consumableId: null,
      deviceId: null,
    });
    const offer = page.getByRole('article', { name: last.name, exact: true });
    await offer.and(page.locator('.marked')).waitFor();
    await offer.getByText('From your notification').waitFor();
    await page.waitForTimeout(300);
    const where = await seen(offer.getByRole('heading'));
    assert.ok(where.inViewport && where.onTop, 'the offer is on screen and nothing covers it');
    const box = await offer.boundingBox();
    const middle = box.y + box.height / 2;
    assert.ok(Math.abs(middle - 390) < 200, `the offer is near the middle of the screen: its middle is at ${middle}px`);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), last.name);
    assert.equal(
      await page.getByRole('button', { name: /^Offers/ }).getAttribute('aria-current'),
      'page',
      'the Offers tab is the one shown',
    );
    assert.deepEqual(problems, [], 'no script errors on the page');
    await page.context().close();
  });

  it('keeps what the owner and the maker say in view, above the tab bar, when asking the maker at 360px', async () => {
    const { page, problems } = await open({ width: 360, height: 780 });
    await pairFromAddDevice(page, 'Blu-ray player', '3456-7890');
    await page.getByRole('button', { name: /^Offers/ }).click();
    await page.getByRole('button', { name: 'Show me how' }).click();
    await page.getByRole('button', { name: 'Still stuck? Ask Lumaview' }).click();
    await page.getByRole('heading', { name: 'Ask Lumaview', level: 1 }).waitFor();
    const inView = async (what, locator) => {
      await locator.waitFor();
      await page.waitForTimeout(300);
      const where = await seen(locator);
      assert.ok(where.inViewport && where.onTop, `${what}: on screen, and nothing (the tab bar) covers it`);
    };

    await page.getByRole('button', { name: 'Send to Lumaview' }).click();
    await inView('an empty message refused', page.getByRole('alert'));
    await page.getByLabel('Your message to Lumaview').fill('The disc menu does not come up.');
    await page.getByRole('checkbox', { name: "Include Blu-ray player's diagnostics" }).check();
    await page.getByRole('button', { name: 'Send to Lumaview' }).click();
    await inView('what the diagnostics would send', page.getByRole('button', { name: 'Not now' }));
    await page.getByRole('button', { name: 'Not now' }).click();
    await inView('nothing was sent', page.getByRole('status').filter({ hasText: 'Nothing was sent to Lumaview' }));

    await page.evaluate(() => window.stewardTest.replyAfter(null));
    await page.getByRole('button', { name: 'Send to Lumaview' }).click();
    const log = page.getByRole('log', { name: 'Messages with Lumaview' });
    await inView('waiting for the reply', page.getByText('Waiting for a reply from Lumaview…'));
    // A few turns, so the conversation is longer than the screen: each new message comes into view.
    for (const [i, text] of ['It shows the trailers.', 'Still the trailers after Stop.', 'Nothing else happens.'].entries()) {
      await page.evaluate(() => window.stewardTest.deliverReplies());
      await inView(`reply ${i + 1}`, log.getByRole('listitem').nth(2 * i + 1));
      await page.getByLabel('Your message').fill(text);
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await inView(`waiting ${i + 2}`, page.getByText('Waiting for a reply from Ana at Lumaview…'));
    }
    await page.evaluate(() => window.stewardTest.deliverReplies());
    await inView('the last reply', log.getByRole('listitem').last());
    assert.ok(
      await page.evaluate(() => document.documentElement.scrollHeight > window.innerHeight),
      'the conversation is taller than the screen',
    );
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await inView('an empty reply refused', page.getByRole('alert'));
    assert.deepEqual(problems, [], 'no script errors on the page');
    await page.context().close();
  });

  it('says where location stands in view, above the tab bar, when it is switched at 360px', async () => {
    const { page, problems } = await open({ width: 360, height: 780 });
    await page.getByRole('button', { name: /^Offers/ }).click();
    await page.getByRole('button', { name: 'Notification settings' }).click();
    const nearby = page.getByRole('region', { name: 'Store offers near you' });
    await nearby.getByRole('switch', { name: /Use my location/ }).click();
    const status = nearby.getByRole('status');
    await status.filter({ hasText: 'Steward uses your position on this phone' }).waitFor();
    await page.evaluate(() => window.stewardTest.arriveAt(['Cornerway Alexanderplatz']));
    await status.getByText('You are at: Cornerway Alexanderplatz').waitFor();
    await page.waitForTimeout(300);
    const where = await seen(status);
    assert.ok(where.inViewport && where.onTop, 'where location stands is on screen, and nothing covers it');

    // With the phone's position known, search does not ask for a place.
    await page.getByRole('button', { name: '← Offers and help' }).click();
    await page.getByRole('heading', { name: 'Offers and help', level: 1 }).waitFor();
    await page.getByText('Distances are from where you are').waitFor();
    assert.equal(await page.getByLabel('Measure distances from').count(), 0);
    assert.deepEqual(problems, [], 'no script errors on the page');
    await page.context().close();
  });

  it('stays the phone layout below 700px, with the tabs at the bottom', async () => {
    const { page } = await open({ width: 600, height: 800 });
    const nav = await page.getByRole('navigation', { name: 'Sections' }).boundingBox();
    assert.ok(nav.y + nav.height >= 799 && nav.width >= 599, `the tabs run along the bottom: ${JSON.stringify(nav)}`);
    await page.context().close();
  });
});
