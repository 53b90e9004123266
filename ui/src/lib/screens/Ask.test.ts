import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { BackendError } from '../backend';
import { MemoryBackend } from '../backend/memory';
import { NavStore } from '../stores/nav.svelte';
import { OffersStore } from '../stores/offers.svelte';
import { SupportStore } from '../stores/support.svelte';
import Ask from './Ask.svelte';
import Conversation from './Conversation.svelte';
import Tutorial from './Tutorial.svelte';

const lumaview = {
  id: 'lumaview',
  name: 'Lumaview',
  brands: ['Lumaview'],
  asks: [
    ['devices-owned', 'tutorials-support'],
    ['device-diagnostics', 'tutorials-support'],
  ] as [string, string][],
};
const guide = { partnerId: 'lumaview', itemId: 'lumaview-disc-menu' };

/** The demo's confused owner: Lumaview added, and (unless `paired` is false) the player paired. */
async function household(paired = true) {
  const backend = new MemoryBackend();
  backend.partners = [lumaview];
  backend.replyAfterMs = null;
  if (paired) {
    backend.nearby = [
      {
        found: { address: 'D0:5E:00:00:00:03', name: 'Blu-ray player', kind: 'bluray_player', rssi: -55, pairingOpen: true, pairedAs: null, supplyQuestion: null },
        code: '3456-7890',
        detail: { id: 'aa03', name: 'Blu-ray player', kind: 'bluray_player', connected: true, state: null, firmware: '2.0.1', batteryPercent: null, problem: null, stateAt: null },
      },
    ];
    await backend.scanDevices();
    await backend.pairDevice('D0:5E:00:00:00:03', '3456-7890', null);
  }
  const support = new SupportStore(backend);
  const stop = await support.start();
  return { backend, support, stop, nav: new NavStore(), offers: new OffersStore(backend) };
}

type Household = Awaited<ReturnType<typeof household>>;

async function renderAsk(h: Household) {
  h.nav.go({ name: 'ask', ...guide });
  render(Ask, { props: { ...guide, offers: h.offers, support: h.support, nav: h.nav } });
  return screen.findByRole('form', { name: 'Your question' });
}

const messageBox = () => screen.getByLabelText('Your message to Lumaview') as HTMLTextAreaElement;

describe('Ask the maker', () => {
  it('is offered below the guide’s steps, and leads back to an earlier conversation', async () => {
    const h = await household();
    render(Tutorial, { props: { ...guide, offers: h.offers, support: h.support, nav: h.nav } });
    await userEvent.click(await screen.findByRole('button', { name: 'Still stuck? Ask Lumaview' }));
    expect(h.nav.screen).toEqual({ name: 'ask', ...guide });
    expect(screen.queryByRole('button', { name: /Your conversation with Lumaview/ })).toBeNull();

    await h.support.ask({ ...guide, topic: guide.itemId, message: 'Menu?', diagnosticsOf: null, allowDiagnostics: false });
    await userEvent.click(await screen.findByRole('button', { name: 'Your conversation with Lumaview (waiting for a reply)' }));
    expect(h.nav.screen).toEqual({ name: 'conversation', id: 1, ...guide });
    h.stop();
  });

  it('sends the owner’s words, then shows the conversation with the maker’s reply as it arrives', async () => {
    const h = await household();
    const form = await renderAsk(h);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Ask Lumaview');
    expect(screen.getByText('About “Getting to the disc menu”')).toBeTruthy();
    expect(messageBox().maxLength).toBe(1000);
    await userEvent.type(messageBox(), 'The disc menu does not come up <b>at all</b>');
    expect(within(form).getByText('44 of 1000 characters')).toBeTruthy();
    await userEvent.click(within(form).getByRole('button', { name: 'Send to Lumaview' }));
    await waitFor(() => expect(h.nav.screen).toEqual({ name: 'conversation', id: 1, ...guide }));
    // Only the words went: no diagnostics were asked about or sent.
    expect(screen.queryByRole('region', { name: /Send this to/ })).toBeNull();
    expect(h.backend.ledgerEntries.map((e) => e.categories)).toEqual([[]]);

    cleanup();
    render(Conversation, { props: { id: 1, ...guide, support: h.support, nav: h.nav } });
    const log = await screen.findByRole('log', { name: 'Messages with Lumaview' });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Getting to the disc menu');
    const mine = within(log).getByText('The disc menu does not come up <b>at all</b>');
    expect(log.querySelector('b'), 'the owner’s text is text').toBeNull();
    expect(mine.closest('li')?.classList.contains('mine')).toBe(true);
    expect(within(mine.closest('li') as HTMLElement).getByText('You')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Waiting for a reply from Lumaview…');

    // The core announces the reply: it appears without the owner doing anything.
    h.backend.deliverReplies();
    const reply = await within(log).findByText(/^Hello, this is Ana at Lumaview support\. If the disc menu does not come up/);
    const theirs = reply.closest('li') as HTMLElement;
    expect(theirs.classList.contains('mine')).toBe(false);
    expect(within(theirs).getByText('Ana at Lumaview')).toBeTruthy();
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe(''));

    // Writing again.
    await userEvent.type(screen.getByLabelText('Your message'), 'Yes, that works, thank you');
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(await within(log).findByText('Yes, that works, thank you')).toBeTruthy();
    expect((screen.getByLabelText('Your message') as HTMLTextAreaElement).value).toBe('');
    expect(screen.getByRole('status').textContent).toBe('Waiting for a reply from Ana at Lumaview…');
    h.backend.deliverReplies();
    expect(await within(log).findByText('Glad it works now! Write again any time.')).toBeTruthy();

    await userEvent.click(screen.getByRole('button', { name: '← Guide' }));
    expect(h.nav.screen).toEqual({ name: 'tutorial', ...guide });
    h.stop();
  });

  it('shows what the player’s diagnostics would send before sending, and sends them only once allowed', async () => {
    const h = await household();
    const form = await renderAsk(h);
    await userEvent.type(messageBox(), 'Nothing happens when I press Menu');
    const include = await within(form).findByRole('checkbox', { name: "Include Blu-ray player's diagnostics" });
    expect((include as HTMLInputElement).checked, 'nothing is ticked for the owner').toBe(false);
    await userEvent.click(include);
    await userEvent.click(within(form).getByRole('button', { name: 'Send to Lumaview' }));

    const prompt = await screen.findByRole('region', { name: 'Send this to Lumaview?' });
    expect(within(prompt).getByText('Blu-ray player: bluray player, firmware 2.0.1, no recent errors')).toBeTruthy();
    expect(within(prompt).getByText('Device diagnostics')).toBeTruthy();
    expect(h.backend.supportConversations, 'nothing is sent while the owner decides').toHaveLength(0);
    expect(h.backend.ledgerEntries).toHaveLength(0);

    await userEvent.click(within(prompt).getByRole('button', { name: 'Not now' }));
    expect((await within(form).findByRole('status')).textContent).toMatch(/^Nothing was sent to Lumaview\. Your message is still here/);
    expect((include as HTMLInputElement).checked).toBe(false);
    expect(messageBox().value).toBe('Nothing happens when I press Menu');
    expect(h.backend.supportConversations).toHaveLength(0);
    expect(h.nav.screen.name).toBe('ask');

    await userEvent.click(include);
    await userEvent.click(within(form).getByRole('button', { name: 'Send to Lumaview' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Allow' }));
    await waitFor(() => expect(h.nav.screen).toEqual({ name: 'conversation', id: 1, ...guide }));
    expect(h.backend.ledgerEntries[0]?.categories).toEqual(['device-diagnostics']);
    h.backend.deliverReplies();
    await waitFor(() => expect(h.support.current?.messages[1]?.text).toContain('I can see your device\'s diagnostics (firmware 2.0.1)'));
    h.stop();
  });

  it('offers no diagnostics when the guide’s device is not paired here', async () => {
    const h = await household(false);
    const form = await renderAsk(h);
    expect(within(form).queryByRole('checkbox')).toBeNull();
    await userEvent.type(messageBox(), 'Help');
    await userEvent.click(within(form).getByRole('button', { name: 'Send to Lumaview' }));
    await waitFor(() => expect(h.nav.screen.name).toBe('conversation'));
    h.stop();
  });

  it('shows a refusal in an alert, on the message, and keeps what was written', async () => {
    const h = await household();
    const form = await renderAsk(h);
    await userEvent.type(messageBox(), '   ');
    await userEvent.click(within(form).getByRole('button', { name: 'Send to Lumaview' }));
    expect((await within(form).findByRole('alert')).textContent).toBe('Message: write something for the maker.');
    expect(messageBox().getAttribute('aria-invalid')).toBe('true');
    expect(messageBox().getAttribute('aria-describedby')).toContain('ask-error');
    expect(document.activeElement).toBe(messageBox());

    // The core's own refusal (a control character pasted in).
    await fireEvent.input(messageBox(), { target: { value: 'Menu\u0007 does nothing' } });
    await userEvent.click(within(form).getByRole('button', { name: 'Send to Lumaview' }));
    expect((await within(form).findByRole('alert')).textContent).toBe('Message: only text (no control characters).');

    // The maker could not be reached: nothing is lost, the owner can send again.
    await fireEvent.input(messageBox(), { target: { value: 'Menu does nothing' } });
    h.backend.failNext = new BackendError('device', 'Lumaview did not receive your message: it did not answer');
    await userEvent.click(within(form).getByRole('button', { name: 'Send to Lumaview' }));
    const alert = await within(form).findByRole('alert');
    await waitFor(() => expect(alert.textContent).toBe('Lumaview did not receive your message: it did not answer'));
    expect(messageBox().getAttribute('aria-invalid')).toBe('false');
    expect(messageBox().value).toBe('Menu does nothing');
    expect(h.nav.screen.name).toBe('ask');
    h.stop();
  });

  it('shows a refused reply in an alert and keeps it', async () => {
    const h = await household();
    const started = await h.support.ask({ ...guide, topic: guide.itemId, message: 'Menu?', diagnosticsOf: null, allowDiagnostics: false });
    if (typeof started === 'string') throw new Error(started);
    render(Conversation, { props: { id: started.id, ...guide, support: h.support, nav: h.nav } });
    const box = (await screen.findByLabelText('Your message')) as HTMLTextAreaElement;
    await userEvent.type(box, 'Still nothing');
    h.backend.failNext = new BackendError('device', 'Lumaview did not receive your message: it did not answer');
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Lumaview did not receive your message: it did not answer');
    expect(box.value).toBe('Still nothing');
    h.stop();
  });
});

describe('the support store', () => {
  it('follows replies to every conversation, and keeps a reply that came before the answer to the send', async () => {
    const h = await household();
    const first = await h.support.ask({ ...guide, topic: guide.itemId, message: 'Menu?', diagnosticsOf: null, allowDiagnostics: false });
    if (typeof first === 'string') throw new Error(first);
    h.backend.deliverReplies();
    expect(h.support.current?.awaitingReply).toBe(false);
    expect(h.support.list[0]?.messages).toHaveLength(2);
    expect(h.support.about('lumaview', 'Getting to the disc menu')?.id).toBe(first.id);
    expect(h.support.about('lumaview', 'Another guide')).toBeNull();

    // An older view of the same conversation does not undo the reply.
    (h.support as unknown as { update(c: typeof first): void }).update(first);
    expect(h.support.current?.messages).toHaveLength(2);
    h.stop();
  });
});
