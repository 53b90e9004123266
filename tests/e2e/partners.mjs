// Starts the reference partner server (the steward-partner-server binary) for an end-to-end
// test: the brief's partners on loopback, every request it receives appended to a file, which
// `received()` reads, so a test can compare what arrived with what the app's ledger shows.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const BRIEF_PARTNERS = ['sudsy', 'crumb', 'goldcrust', 'lumaview', 'cornerway'];

export async function startPartnerServer() {
  const binary = process.env.STEWARD_PARTNER_SERVER;
  if (!binary) throw new Error('STEWARD_PARTNER_SERVER must name the steward-partner-server binary (scripts/test.sh sets it)');
  const record = join(mkdtempSync(join(tmpdir(), 'steward-partners-')), 'requests.jsonl');
  const child = spawn(binary, ['--record', record], { stdio: ['ignore', 'pipe', 'inherit'] });
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the partner server did not print its address in 10 s')), 10_000);
    child.once('exit', (code) => reject(new Error(`the partner server exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^listening (http:\/\/\S+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  return {
    base,
    /** The value the app reads to add the partners in demo mode. */
    demoPartners: BRIEF_PARTNERS.map((id) => `${base}/${id}`).join(','),
    /** Every request received so far (the server writes them within 200 ms). */
    received() {
      if (!existsSync(record)) return [];
      return readFileSync(record, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line));
    },
    stop() {
      child.kill();
    },
  };
}
