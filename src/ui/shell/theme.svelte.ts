/**
 * Light or dark: follows the system until the user presses the toggle, then remembers the
 * choice in localStorage. The stylesheet keys off `data-theme` on <html>.
 */
export type ThemeName = 'light' | 'dark';

const STORAGE_KEY = 'feedback-lab:theme';

function storedTheme(): ThemeName | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    // Storage can be disabled (privacy settings); the system preference still works.
    return null;
  }
}

export class ThemeState {
  chosen = $state<ThemeName | null>(storedTheme());
  systemPrefersDark = $state(false);
  current: ThemeName = $derived(this.chosen ?? (this.systemPrefersDark ? 'dark' : 'light'));

  /** Starts following the system preference and writes the theme onto <html>; returns a stop function. */
  attach(root: HTMLElement = document.documentElement): () => void {
    const query = matchMedia('(prefers-color-scheme: dark)');
    this.systemPrefersDark = query.matches;
    const onChange = (event: MediaQueryListEvent) => (this.systemPrefersDark = event.matches);
    query.addEventListener('change', onChange);
    const stopEffect = $effect.root(() => {
      $effect(() => {
        root.dataset.theme = this.current;
      });
    });
    return () => {
      query.removeEventListener('change', onChange);
      stopEffect();
    };
  }

  toggle(): void {
    this.chosen = this.current === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem(STORAGE_KEY, this.chosen);
    } catch {
      // Not remembered across reloads, but the page still switches.
    }
  }
}
