// The real built app, launched by WebDriver under Xvfb: the UI shows what the Rust core read
// from the SQLite file, a click writes through to that file, and a relaunch finds it there.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { By, freshDataDir, sqliteFromScript, startDriver, until } from './driver.mjs';
import { button, click } from './ui.mjs';

const WAIT_MS = 15_000;
const repo = fileURLToPath(new URL('../..', import.meta.url));
/** The schema version the core creates, read from its migrations so this never goes stale. */
const LATEST = Number(
  /pub const LATEST: u32 = (\d+);/.exec(readFileSync(join(repo, 'crates/steward-core/src/store/migrations.rs'), 'utf8'))[1],
);
const versionLine = new RegExp(`version ${LATEST}$`);

async function text(driver, locator) {
  const element = await driver.wait(until.elementLocated(locator), WAIT_MS);
  return element.getText();
}

async function waitForText(driver, locator, expected) {
  await driver.wait(async () => (await text(driver, locator)) === expected, WAIT_MS, `waiting for "${expected}"`);
}

function showLogOnFailure(t, driver) {
  if (t.passed === false && driver) console.error(`--- app and driver output ---\n${driver.log()}`);
}

/** The first 16 bytes of a file: `SQLite format 3\0` for a plain database. */
function sqliteHeader(path) {
  const fd = openSync(path, 'r');
  const header = Buffer.alloc(16);
  readSync(fd, header, 0, 16, 0);
  closeSync(fd);
  return { magic: header.toString('latin1') };
}

/** The first file under `dir` holding `needle` as UTF-8, or null. */
function inTheClear(dir, needle) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      const found = inTheClear(path, needle);
      if (found) return found;
    } else if (readFileSync(path).includes(Buffer.from(needle, 'utf8'))) {
      return path;
    }
  }
  return null;
}

describe('a new household', () => {
  const dataDir = freshDataDir();
  let driver;

  before(async () => {
    driver = await startDriver({ STEWARD_DATA_DIR: dataDir });
  });
  after(() => driver?.stop());
  afterEach((t) => showLogOnFailure(t, driver));

  it('starts empty, saves a name to SQLite on click, and finds it after a relaunch', async () => {
    const first = await driver.session();
    try {
      await first.wait(until.elementLocated(By.css('.devices .empty')), WAIT_MS);
      assert.equal(await text(first, By.css('.devices .empty')), 'No devices paired yet.');
      assert.equal(await text(first, By.css('h1')), 'Your home');
      assert.match(await text(first, By.css('[data-testid="schema-version"]')), versionLine);
      assert.match(
        await text(first, By.css('[data-testid="data-protection"]')),
        /encrypted, and the key is kept in the system keyring/,
        'the owner is told the data is encrypted and where the key is',
      );

      // The configured CSP is in force in the real webview: no eval, no inline script.
      const csp = await first.executeScript(`
        let evalResult;
        try { eval('1'); evalResult = 'allowed'; } catch (e) { evalResult = e.name; }
        window.__inlineRan = false;
        const s = document.createElement('script');
        s.textContent = 'window.__inlineRan = true';
        document.head.appendChild(s);
        return { evalResult, inlineRan: window.__inlineRan };
      `);
      assert.deepEqual(csp, { evalResult: 'EvalError', inlineRan: false }, 'the CSP blocks eval and inline scripts');

      await first.findElement(By.id('household-name')).sendKeys('Maple Street');
      await first.findElement(By.css('button[type="submit"]')).click();
      await waitForText(first, By.css('h1'), 'Maple Street');
    } finally {
      await first.quit();
    }

    const header = sqliteHeader(join(dataDir, 'steward.sqlite3'));
    assert.notEqual(header.magic, 'SQLite format 3\0', 'the household database in STEWARD_DATA_DIR is encrypted');
    assert.equal(inTheClear(dataDir, 'Maple Street'), null, 'the household name is in no file in the clear');

    const second = await driver.session();
    try {
      await waitForText(second, By.css('h1'), 'Maple Street');
    } finally {
      await second.quit();
    }
  });
});

describe('an export, shown in the file manager', () => {
  const dataDir = freshDataDir();
  const exportDir = mkdtempSync(join(tmpdir(), 'steward-exports-'));
  const shownLog = join(mkdtempSync(join(tmpdir(), 'steward-fm-')), 'shown.txt');
  let driver;
  let fileManager;

  before(async () => {
    // A file manager on the test's private session bus, as a desktop has one.
    // Debian's Python, which has dbus-python and GLib's bindings (scripts/setup.sh installs them).
    fileManager = spawn('/usr/bin/python3', [join(repo, 'tests/e2e/fixtures/file_manager.py'), shownLog], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise((resolve, reject) => {
      fileManager.stdout.once('data', resolve);
      fileManager.once('exit', (code) => reject(new Error(`the file manager stopped (${code})`)));
    });
    driver = await startDriver({ STEWARD_DATA_DIR: dataDir, STEWARD_EXPORT_DIR: exportDir });
  });
  after(() => {
    driver?.stop();
    fileManager?.kill();
  });
  afterEach((t) => showLogOnFailure(t, driver));

  it('saves the file owner-only and asks the file manager to show exactly that file', async () => {
    const session = await driver.session();
    try {
      await session.wait(until.elementLocated(By.css('.devices .empty')), WAIT_MS);
      await click(session, button('Export everything'));
      const said = await text(session, By.css('[data-testid="export-path"]'));
      const name = /steward-export-[0-9-]+\.json/.exec(said)?.[0];
      assert.ok(name, `the owner is told the file's name: ${said}`);
      assert.ok(said.includes(exportDir), 'and the folder it is in');
      assert.equal(statSync(join(exportDir, name)).mode & 0o777, 0o600, 'readable by the owner only');

      // Where a person looks after exporting: the file's name and the button are in view.
      const shown = await session.findElement(By.xpath(button('Show the file')));
      assert.ok(
        await session.executeScript(
          `const b = arguments[0].getBoundingClientRect();
           const top = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
           return b.bottom <= window.innerHeight && (top === arguments[0] || arguments[0].contains(top));`,
          shown,
        ),
        'the Show the file button is on screen and not under the tab bar',
      );
      await shown.click();
      await session.wait(() => existsSync(shownLog), WAIT_MS, 'the file manager is asked');
      assert.deepEqual(
        readFileSync(shownLog, 'utf8').trim().split('\n'),
        [`file://${join(exportDir, name)}`],
        'the file manager shows the export the owner just saved, nothing else',
      );
    } finally {
      await session.quit();
    }
  });
});

describe('a household saved by an older Steward', () => {
  const dataDir = freshDataDir();
  let driver;

  before(async () => {
    sqliteFromScript(join(dataDir, 'steward.sqlite3'), join(repo, 'crates/steward-core/tests/fixtures/schema-v1.sql'));
    driver = await startDriver({ STEWARD_DATA_DIR: dataDir });
  });
  after(() => driver?.stop());
  afterEach((t) => showLogOnFailure(t, driver));

  it('is migrated on launch and shows what the old file held', async () => {
    const session = await driver.session();
    try {
      await waitForText(session, By.css('h1'), 'Maple Street ☀');
      assert.match(await text(session, By.css('[data-testid="schema-version"]')), versionLine);
    } finally {
      await session.quit();
    }
    assert.notEqual(sqliteHeader(join(dataDir, 'steward.sqlite3')).magic, 'SQLite format 3\0', 'and encrypted in place');
    assert.equal(inTheClear(dataDir, 'Maple Street'), null, 'leaving nothing of it in the clear');
  });
});

describe('a household saved by a newer Steward', () => {
  const dataDir = freshDataDir();
  const dbPath = join(dataDir, 'steward.sqlite3');
  let driver;
  let originalBytes;

  before(async () => {
    sqliteFromScript(dbPath, join(repo, 'tests/e2e/fixtures/schema-from-the-future.sql'));
    originalBytes = readFileSync(dbPath);
    driver = await startDriver({ STEWARD_DATA_DIR: dataDir });
  });
  after(() => driver?.stop());
  afterEach((t) => showLogOnFailure(t, driver));

  it('opens, explains that an update is needed, and leaves the file untouched', async () => {
    const session = await driver.session();
    try {
      const alert = await session.wait(until.elementLocated(By.css('[role="alert"]')), WAIT_MS);
      assert.match(await alert.getText(), /newer version of Steward/);
      assert.ok(await session.findElement(By.css('[role="alert"] button')).isDisplayed(), 'a Try again button is offered');
    } finally {
      await session.quit();
    }
    assert.ok(readFileSync(dbPath).equals(originalBytes), 'the newer database is byte-for-byte untouched');
  });
});
