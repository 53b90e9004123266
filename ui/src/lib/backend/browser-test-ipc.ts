// Browser-test mode only (`vite build --mode browser-test`): answers Tauri's IPC in the page
// with `mockIPC`, so the real TauriBackend and generated bindings run in Chromium. Behind the IPC
// is the in-memory backend, set up like the demo's simulated home (five devices nearby, soap and
// bread in the inventory, one item on the list), so every screen can be walked and checked.
// Production builds never include this file.
import { emit } from '@tauri-apps/api/event';
import { mockIPC } from '@tauri-apps/api/mocks';
import { BackendError } from './index';
import type { DeviceDetailView, DeviceStateView, FoundDeviceView } from './bindings';
import { MemoryBackend } from './memory';

const backend = new MemoryBackend();
// The demo's confused owner: the player's guide is in the inbox, so the viewer can be walked.
for (const item of backend.offerItems) if (item.itemId === 'lumaview-disc-menu') item.matches = true;

function nearby(
  n: number,
  name: string,
  kind: string,
  code: string,
  state: DeviceStateView,
  supplyQuestion: FoundDeviceView['supplyQuestion'] = null,
) {
  const id = `aa0${n}`;
  const detail: DeviceDetailView = {
    id,
    name,
    kind,
    connected: true,
    state,
    stateAt: Math.floor(Date.now() / 1000),
    firmware: '1.4.2',
    batteryPercent: 87,
    problem: null,
  };
  const found: FoundDeviceView = {
    address: `D0:5E:00:00:00:0${n}`,
    name,
    kind,
    rssi: -50 - n * 6,
    pairingOpen: true,
    pairedAs: null,
    supplyQuestion,
  };
  return { found, code, detail };
}

backend.nearby = [
  nearby(1, 'Dish soap', 'soap_dispenser', '1234-5678', { kind: 'soapDispenser', remaining: 10, capacity: 40 }),
  nearby(2, 'Toaster', 'toaster', '2345-6789', { kind: 'toaster', toasting: false, shade: 4, slicesTotal: 3 }, {
    prompt: 'How many slices of bread do you have now?',
    unit: 'slice',
    suggested: 10,
    max: 999,
  }),
  nearby(3, 'Blu-ray player', 'bluray_player', '3456-7890', { kind: 'bluRayPlayer', power: true, playback: 'menu' }),
  nearby(4, 'Kitchen light', 'light', '4567-8901', { kind: 'light', on: false, brightness: 80 }),
  nearby(5, 'Thermostat', 'thermostat', '5678-9012', {
    kind: 'thermostat',
    currentCentiCelsius: 2050,
    targetCentiCelsius: 2150,
    mode: 'heat',
    heating: true,
  }),
];

const today = new Date();
const day = (back: number) => {
  const d = new Date(today);
  d.setDate(d.getDate() - back);
  return d.toISOString().slice(0, 10);
};
const soap = backend.seedConsumable({
  explanation: 'about 2 a day over the last 2 weeks',
  perDay: 2,
  dailyUse: Array.from({ length: 14 }, (_, i) => ({ date: day(13 - i), amount: i % 3 === 0 ? 3 : 2 })),
  purchases: [{ quantity: 40, source: 'owner', note: 'pack of 40', date: day(20) }],
  summary: {
    name: 'Dish soap',
    brand: 'Sudsy',
    unit: 'packet',
    remaining: 7,
    capacity: 40,
    threshold: 8,
    low: true,
    daysLeft: 3,
    emptyDate: day(-3),
  },
});
backend.seedConsumable({
  explanation: '2 used today: too little history to forecast yet (it takes 3 days of use)',
  summary: { name: 'Bread', unit: 'slice', remaining: 8, capacity: 10, threshold: 2 },
});
backend.shopping = {
  items: [
    {
      id: 1,
      title: 'Dish soap',
      quantity: 1,
      note: null,
      consumableId: soap,
      reason: 'Added because Dish soap was down to 8 packets or fewer (your threshold)',
      done: false,
    },
  ],
};

// The partners the demo's reference server hosts, with what each card declares.
backend.partners = [
  {
    id: 'sudsy',
    name: 'Sudsy',
    brands: ['Sudsy'],
    asks: [
      ['consumable-levels', 'reorder-delivery'],
      ['consumable-levels', 'personalised-offers'],
      ['usage-patterns', 'product-improvement'],
      ['device-diagnostics', 'tutorials-support'],
    ],
  },
  {
    id: 'crumb',
    name: 'Crumb & Co.',
    brands: ['Crumb & Co.'],
    asks: [
      ['consumable-levels', 'personalised-offers'],
      ['purchase-history', 'personalised-offers'],
      ['device-diagnostics', 'tutorials-support'],
    ],
  },
  { id: 'goldcrust', name: 'Goldcrust Bakery', brands: ['Goldcrust'], asks: [['coarse-location', 'personalised-offers']] },
  {
    id: 'lumaview',
    name: 'Lumaview',
    brands: ['Lumaview'],
    asks: [
      ['devices-owned', 'tutorials-support'],
      ['device-diagnostics', 'tutorials-support'],
    ],
  },
  {
    id: 'cornerway',
    name: 'Cornerway Stores',
    brands: ['Cornerway'],
    asks: [
      ['coarse-location', 'personalised-offers'],
      ['precise-location', 'personalised-offers'],
      ['purchase-history', 'personalised-offers'],
    ],
  },
];

// What the notification policy decided lately, newest first, as the core words it.
const now = Math.floor(Date.now() / 1000);
backend.notifyHistory = [
  { at: now - 4 * 60, channel: 'reminders', title: 'Dish soap is running low', outcome: 'shown', words: 'shown' },
  {
    at: now - 2 * 3600,
    channel: 'offers',
    title: 'Cornerway own-brand dish soap',
    outcome: 'inbox',
    words: "in your inbox, not notified: today's limit of 3 offers",
  },
  { at: now - 2 * 3600 - 60, channel: 'offers', title: 'Sudsy dish soap refill, 15% off', outcome: 'shown', words: 'shown' },
  {
    at: now - 26 * 3600,
    channel: 'tutorials',
    title: 'Lumaview: Getting to the disc menu',
    outcome: 'held',
    words: 'held until 07:00: quiet hours',
  },
  { at: now - 27 * 3600, channel: 'device-alerts', title: 'Out of Bread', outcome: 'shown', words: 'shown' },
  {
    at: now - 4 * 86_400,
    channel: 'offers',
    title: 'Goldcrust sourdough, 30% off today',
    outcome: 'dropped',
    words: "not shown: you stopped Goldcrust Bakery's offers",
  },
];

// What the core does on its own, for the browser tests to trigger from the page.
(window as unknown as { stewardTest: object }).stewardTest = {
  askForPermission: (reason: string) => backend.askForPermission(reason),
  tapNotification: (target: Parameters<MemoryBackend['tapNotification']>[0]) => backend.tapNotification(target),
  systemAnswer: (answer: 'granted' | 'denied') => (backend.systemAnswer = answer),
  // The maker's scripted agent: answers after `ms`, or (null) only when told to.
  replyAfter: (ms: number | null) => (backend.replyAfterMs = ms),
  deliverReplies: () => backend.deliverReplies(),
  // The phone's location service: a first position, a store's geofence reached, an outage.
  positionFound: () => backend.positionFound(),
  arriveAt: (stores: string[]) => backend.arriveAt(stores),
  loseLocation: (why: string) => backend.loseLocation(why),
};
// The phone finds itself a moment after location is switched on.
backend.positionAfterMs = 600;
// The demo's agent takes a moment to answer, as a person would.
backend.replyAfterMs = 1500;

// The core's announcements, as Tauri events the TauriBackend listens to.
void backend.onHomeChanged((home) => void emit('home-changed', home));
void backend.onDeviceChanged((device) => void emit('device-changed', device));
void backend.onInventoryChanged((inventory) => void emit('inventory-changed', inventory));
void backend.onShoppingChanged((list) => void emit('shopping-changed', list));
void backend.onOffersChanged((feeds) => void emit('offers-changed', feeds));
void backend.onNotificationPermissionNeeded((view) => void emit('notification-permission-needed', view));
void backend.onNotificationOpened((target) => void emit('notification-opened', target));
void backend.onSupportReplied((conversation) => void emit('support-replied', conversation));
void backend.onLocationChanged((location) => void emit('location-changed', location));

type Args = Record<string, unknown>;

async function answer(cmd: string, a: Args): Promise<unknown> {
  switch (cmd) {
    case 'home':
      return backend.home();
    case 'set_household_name':
      return backend.setHouseholdName(String(a.name));
    case 'bluetooth':
      return backend.bluetooth();
    case 'request_bluetooth':
      return backend.requestBluetooth();
    case 'open_bluetooth_settings':
      return backend.openBluetoothSettings();
    case 'scan_devices':
      return backend.scanDevices();
    case 'pair_device':
      return backend.pairDevice(String(a.address), String(a.code), (a.startingLevel as number | null) ?? null);
    case 'device_detail':
      return backend.deviceDetail(String(a.id));
    case 'device_command':
      return backend.deviceCommand(String(a.id), a.command as never);
    case 'remove_device':
      return backend.removeDevice(String(a.id));
    case 'inventory':
      return backend.inventory();
    case 'consumable_detail':
      return backend.consumableDetail(Number(a.id));
    case 'add_consumable':
      return backend.addConsumable(a.input as never);
    case 'update_consumable':
      return backend.updateConsumable(Number(a.id), a.input as never);
    case 'record_purchase':
      return backend.recordPurchase(Number(a.id), Number(a.quantity), (a.note as string | null) ?? null);
    case 'shopping_list':
      return backend.shoppingList();
    case 'add_shopping_item':
      return backend.addShoppingItem(a.input as never);
    case 'edit_shopping_item':
      return backend.editShoppingItem(Number(a.id), a.input as never);
    case 'set_shopping_item_done':
      return backend.setShoppingItemDone(Number(a.id), Boolean(a.done));
    case 'remove_shopping_item':
      return backend.removeShoppingItem(Number(a.id));
    case 'export_household':
      return backend.exportHousehold();
    case 'show_export':
      return backend.showExport(String(a.fileName));
    case 'data_protection':
      return backend.dataProtection();
    case 'erase_household':
      return backend.eraseHousehold(String(a.confirmation));
    case 'refresh_offers':
      return backend.refreshOffers();
    case 'inbox':
      return backend.inbox((a.position as never) ?? null, Boolean(a.showing));
    case 'mark_item':
      return backend.markItem(a.key as never, a.action as never, (a.position as never) ?? null);
    case 'mute_partner':
      return backend.mutePartner(String(a.partnerId), Boolean(a.muted), (a.position as never) ?? null);
    case 'tutorial':
      return backend.tutorial(a.key as never);
    case 'search_offers':
      return backend.searchOffers(a.input as never);
    case 'places':
      return backend.places();
    case 'location':
      return backend.location();
    case 'set_location_use':
      return backend.setLocationUse(Boolean(a.on));
    case 'notification_settings':
      return backend.notificationSettings();
    case 'set_notification_settings':
      return backend.setNotificationSettings(a.input as never);
    case 'notification_history':
      return backend.notificationHistory(Number(a.limit));
    case 'notification_permission':
      return backend.notificationPermission();
    case 'answer_notification_permission':
      return backend.answerNotificationPermission(Boolean(a.allow));
    case 'set_utc_offset':
      return backend.setUtcOffset(Number(a.minutes));
    case 'privacy':
      return backend.privacy();
    case 'add_partner':
      return backend.addPartner(String(a.baseUrl));
    case 'set_grant':
      return backend.setGrant(String(a.partnerId), String(a.category), String(a.purpose), Boolean(a.allowed));
    case 'renew_grant':
      return backend.renewGrant(String(a.partnerId), String(a.category), String(a.purpose));
    case 'remove_partner':
      return backend.removePartner(String(a.partnerId));
    case 'ledger':
      return backend.ledger(a.filter as never);
    case 'ledger_payload':
      return backend.ledgerPayload(Number(a.id));
    case 'receipts':
      return backend.receipts((a.partnerId as string | null) ?? null);
    case 'reorder_prompt':
      return backend.reorderPrompt(Number(a.consumableId));
    case 'reorder':
      return backend.reorder(Number(a.consumableId), Boolean(a.allow));
    case 'retry_sharing':
      return backend.retrySharing(Number(a.id));
    case 'support_partners':
      return backend.supportPartners();
    case 'diagnostics_prompt':
      return backend.diagnosticsPrompt(String(a.deviceId), String(a.partnerId));
    case 'send_diagnostics':
      return backend.sendDiagnostics(String(a.deviceId), String(a.partnerId), Boolean(a.allow));
    case 'ask_maker':
      return backend.askMaker(a.input as never);
    case 'send_support_message':
      return backend.sendSupportMessage(Number(a.id), String(a.message));
    case 'conversation':
      return backend.conversation(Number(a.id));
    case 'conversations':
      return backend.conversations();
    default:
      throw `command ${cmd} not allowed`;
  }
}

mockIPC(
  async (cmd, args) => {
    try {
      return await answer(cmd, (args ?? {}) as Args);
    } catch (error) {
      // The shape the Rust side sends: `ApiError { code, message }`.
      if (error instanceof BackendError) throw { code: error.code, message: error.message };
      throw error;
    }
  },
  { shouldMockEvents: true },
);
