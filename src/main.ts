import { mount } from 'svelte';
import App from './ui/App.svelte';
import { HashRouter } from './ui/router.svelte.ts';
import { startServiceWorker } from './ui/shell/isolation-shim.ts';
import { ThemeState } from './ui/shell/theme.svelte.ts';
import './ui/styles/app.css';

const theme = new ThemeState();
theme.attach();
const router = new HashRouter();
router.attach();

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element.');
// Production builds run under a service worker (offline copy; cross-origin isolation on hosts
// without COOP/COEP headers, which costs one reload on the first visit).
if ((await startServiceWorker()).kind !== 'reloading') mount(App, { target, props: { router, theme } });
