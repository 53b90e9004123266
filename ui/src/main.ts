import { mount } from 'svelte';
import App from './App.svelte';
import { TauriBackend } from './lib/backend/tauri';
import { HomeStore } from './lib/stores/home.svelte';
import './app.css';

async function start(): Promise<void> {
  if (import.meta.env.MODE === 'browser-test') {
    await import('./lib/backend/browser-test-ipc');
  }
  const target = document.getElementById('app');
  if (!target) throw new Error('index.html has no #app element');
  mount(App, { target, props: { home: new HomeStore(new TauriBackend()) } });
}

void start();
