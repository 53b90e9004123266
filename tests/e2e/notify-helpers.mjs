// What the notification end-to-end tests share: waiting for what the desktop's notification
// service (the simulated home) has shown, and setting the owner's notification settings through
// the Notifications screen as a person would.
import { By } from './driver.mjs';
import { button, click, located, tab, waitForPageText, WAIT_MS } from './ui.mjs';

/** Waits until the home's notification service has shown one whose title is `title`. */
export async function notified(home, title, ms = WAIT_MS) {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = home.notifications().find((n) => n.summary === title);
    if (found) return found;
    if (Date.now() > deadline) {
      throw new Error(`no notification "${title}"; shown: ${JSON.stringify(home.notifications().map((n) => n.summary))}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens the Notifications screen from Offers. */
export async function openNotificationSettings(app) {
  await click(app, tab('Offers'));
  await click(app, button('Notification settings'));
  await located(app, By.xpath('//h2[normalize-space(.)="What may notify you"]'));
}

/**
 * Sets quiet hours on the Notifications screen and saves: `null` switches them off, else
 * `{ from, until }` as HH:MM. Time fields are set as the time picker would set them.
 */
export async function setQuietHours(app, quiet) {
  await openNotificationSettings(app);
  const quietSwitch = await located(app, By.xpath('//label[.//span[normalize-space(.)="Quiet hours"]]/input'));
  if ((await quietSwitch.isSelected()) !== (quiet !== null)) {
    await click(app, '//label[.//span[normalize-space(.)="Quiet hours"]]');
  }
  if (quiet !== null) {
    for (const [id, value] of [['quiet-from', quiet.from], ['quiet-until', quiet.until]]) {
      const field = await located(app, By.id(id));
      await app.executeScript(
        (el, v) => {
          el.value = v;
          el.dispatchEvent(new Event('input', { bubbles: true }));
          el.dispatchEvent(new Event('change', { bubbles: true }));
        },
        field,
        value,
      );
    }
  }
  await click(app, button('Save'));
  await waitForPageText(app, 'Saved');
}

/** The webview's local time `minutes` from now, as HH:MM. */
export async function localTime(app, minutes) {
  return app.executeScript((m) => {
    const t = new Date(Date.now() + m * 60_000);
    return `${String(t.getHours()).padStart(2, '0')}:${String(t.getMinutes()).padStart(2, '0')}`;
  }, minutes);
}

/** Switches "Use my location" on the Notifications screen on or off. */
export async function useLocation(app, on) {
  await openNotificationSettings(app);
  const label = '//label[contains(., "Use my location")]';
  const input = await located(app, By.xpath(`${label}//input | //input[@id=(${label}/@for)]`));
  if ((await input.isSelected()) !== on) await click(app, label);
  await app.wait(async () => (await input.isSelected()) === on, WAIT_MS);
}
