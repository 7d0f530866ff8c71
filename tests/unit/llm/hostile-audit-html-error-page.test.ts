import { describe, expect, it } from 'vitest';
import { htmlPageText, statusError } from '../../../src/llm/endpoint-errors.ts';

// An endpoint is whatever a study link names, so its error pages are anyone's. Reading one used
// to take time growing with the square of its length when its tags were left open: 1.2 MB of
// `<script` froze the tab for about two minutes per response in Chromium (the reachability check
// and every retry each got one), and 280 KB of `<` took 46 s under Node.
describe('an HTML error page from a hostile endpoint', () => {
  const bodies = {
    'unclosed <script tags': `<html>${'<script'.repeat(150_000)}`,
    'unclosed <title> tags': `<html>${'<title>'.repeat(150_000)}`,
    'a million <': `<html>${'<'.repeat(1_000_000)}`,
  };

  for (const [name, body] of Object.entries(bodies)) {
    it(`is read in a moment: ${name}`, () => {
      const started = performance.now();
      const error = statusError(502, 'Bad Gateway', body, { endpointUrl: 'http://127.0.0.1:9/v1/chat/completions' });
      expect(error.message).toContain('It answered with an HTML page');
      expect(performance.now() - started).toBeLessThan(1_500);
    });
  }

  it('still gives an ordinary page its title, and its text when it has none', () => {
    expect(htmlPageText('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>')).toBe('502 Bad Gateway');
    expect(htmlPageText('<!DOCTYPE html><html><head><script>var x = 1;</script></head><body><p>Upstream &amp; proxy down</p></body></html>')).toBe(
      'Upstream & proxy down',
    );
    // A stray < in the text no longer swallows the tags after it, but the tags still go.
    expect(htmlPageText('<html><body><p>load < 5</p><b>retry</b></body></html>')).toBe('load < 5 retry');
  });

  it('reads the title of a page whose scripts come first, within the part it reads', () => {
    const page = `<html><head><script>${'x'.repeat(10_000)}</script><title>Gateway Timeout</title></head><body></body></html>`;
    expect(htmlPageText(page)).toBe('Gateway Timeout');
  });
});
