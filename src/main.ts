import { mount } from 'svelte';
import App from './ui/App.svelte';
import { HashRouter } from './ui/router.svelte.ts';
import { ThemeState } from './ui/shell/theme.svelte.ts';
import './ui/styles/app.css';

const theme = new ThemeState();
theme.attach();
const router = new HashRouter();
router.attach();

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element.');
mount(App, { target, props: { router, theme } });
