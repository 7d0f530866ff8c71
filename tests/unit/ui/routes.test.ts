import { describe, expect, it } from 'vitest';
import { ROUTES, documentTitle, findRoute, hrefFor, pageName, parseHash } from '../../../src/ui/routes.ts';

describe('hash routes', () => {
  it('reads the page and its query from the hash', () => {
    const location = parseHash('#/playground?benchmark=mbpp&problem=Mbpp%2F2');
    expect(location.path).toBe('playground');
    expect(location.query.get('benchmark')).toBe('mbpp');
    expect(location.query.get('problem')).toBe('Mbpp/2');
  });

  it('treats an empty hash and in-page anchors as the home page', () => {
    expect(parseHash('').path).toBe('');
    expect(parseHash('#main').path).toBe('');
    expect(findRoute('').title).toBe('Home');
  });

  it('ignores a trailing slash', () => {
    expect(findRoute(parseHash('#/score/').path).path).toBe('score');
  });

  it('answers an unknown page with the not-found page', () => {
    expect(findRoute('nowhere').title).toBe('Page not found');
  });

  it('links to the scoring, playground, models, study, search, results, reproduce and presenter pages from the header', () => {
    expect(ROUTES.filter((r) => r.inNav).map((r) => r.path)).toEqual(['score', 'playground', 'models', 'study', 'search', 'results', 'reproduce', 'presenter']);
  });

  it('builds hrefs that parse back to the same page and query', () => {
    const href = hrefFor('playground', { problem: 'HumanEval/3' });
    const back = parseHash(href);
    expect(back.path).toBe('playground');
    expect(back.query.get('problem')).toBe('HumanEval/3');
  });

  it('titles each page by the name its heading gives, with a short link where the heading is long', () => {
    const reproduce = findRoute('reproduce');
    expect(reproduce.title).toBe('Reproduce');
    expect(pageName(reproduce)).toBe('Reproduce the paper');
    expect(documentTitle(reproduce)).toBe('Reproduce the paper · Feedback Lab');
    expect(documentTitle(findRoute('score'))).toBe('Scoring · Feedback Lab');
    expect(documentTitle(findRoute(''))).toBe('Feedback Lab');
  });
});
