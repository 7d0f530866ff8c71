/**
 * A build for a sub-path (docs/deploy.md): BASE_PATH without its end slash built an app whose page
 * loaded and then asked for `/feedback-labsw.js` and `/feedback-labpyodide/…` (no Python, no
 * benchmark files). How scripts/serve.mjs serves such a build: tests/unit/ui/serve-script.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { basePath } from '../../vite.config.ts';

describe('BASE_PATH (vite.config.ts)', () => {
  it('is a path with a slash at each end, however it was typed', () => {
    for (const typed of ['/feedback-lab/', '/feedback-lab', 'feedback-lab/', 'feedback-lab', ' /feedback-lab/ ', '//feedback-lab//']) {
      expect(basePath(typed), typed).toBe('/feedback-lab/');
    }
    expect(basePath('/org/feedback-lab')).toBe('/org/feedback-lab/');
  });

  it('is the root when unset, empty or a lone slash (the Pages workflow gives "/" for a user site)', () => {
    for (const typed of [undefined, '', '/', '//']) expect(basePath(typed), String(typed)).toBe('/');
  });

  it('leaves a relative or full-URL base to Vite', () => {
    expect(basePath('./')).toBe('./');
    expect(basePath('https://cdn.example.org/lab/')).toBe('https://cdn.example.org/lab/');
  });
});
