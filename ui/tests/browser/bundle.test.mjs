// The production bundle carries none of the browser-test IPC mock: that code must only exist in
// builds made with `--mode browser-test`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));

async function bundleText(mode) {
  const outDir = mkdtempSync(join(tmpdir(), `steward-ui-${mode}-`));
  await build({ root, mode, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  const assets = join(outDir, 'assets');
  return readdirSync(assets)
    .filter((name) => name.endsWith('.js'))
    .map((name) => readFileSync(join(assets, name), 'utf8'))
    .join('\n');
}

describe('production bundle', () => {
  it('excludes the IPC mock that browser-test builds include', async () => {
    const marker = 'shouldMockEvents';
    assert.ok((await bundleText('browser-test')).includes(marker), 'the marker identifies the mock in a browser-test build');
    assert.ok(!(await bundleText('production')).includes(marker), 'a production build must not answer IPC itself');
  });
});
