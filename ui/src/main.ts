import { mount } from 'svelte';
import App from './App.svelte';
import { TauriBackend } from './lib/backend/tauri';
import { DevicesStore } from './lib/stores/devices.svelte';
import { HomeStore } from './lib/stores/home.svelte';
import { InventoryStore } from './lib/stores/inventory.svelte';
import { LocationStore } from './lib/stores/location.svelte';
import { NavStore } from './lib/stores/nav.svelte';
import { NotificationsStore } from './lib/stores/notifications.svelte';
import { OffersStore } from './lib/stores/offers.svelte';
import { PrivacyStore } from './lib/stores/privacy.svelte';
import { ShoppingStore } from './lib/stores/shopping.svelte';
import { SupportStore } from './lib/stores/support.svelte';
import './app.css';

async function start(): Promise<void> {
  if (import.meta.env.MODE === 'browser-test') {
    await import('./lib/backend/browser-test-ipc');
  }
  const target = document.getElementById('app');
  if (!target) throw new Error('index.html has no #app element');
  const backend = new TauriBackend();
  const nav = new NavStore();
  mount(App, {
    target,
    props: {
      home: new HomeStore(backend),
      devices: new DevicesStore(backend),
      inventory: new InventoryStore(backend),
      shopping: new ShoppingStore(backend),
      privacy: new PrivacyStore(backend),
      offers: new OffersStore(backend),
      notifications: new NotificationsStore(backend, nav),
      support: new SupportStore(backend),
      location: new LocationStore(backend),
      nav,
    },
  });
}

void start();
