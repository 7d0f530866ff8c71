import { describe, expect, it } from 'vitest';
import { llamaSelfRefine } from '../../../src/core/pipeline/presets.ts';
import { demoRecording } from '../../../src/core/presenter/shipped-recordings.ts';
import { actionForKey, isSlideshowKey, isTypingTarget } from '../../../src/ui/presenter/presenter-keys.ts';
import { ReplayShow, type ReplayClock } from '../../../src/ui/presenter/replay-show.svelte.ts';
import { StripVoice } from '../../../src/core/presenter/strip.ts';
import { stageSpeech } from '../../../src/ui/presenter/scene-heading.ts';
import { phaseOnStage, showStatus } from '../../../src/ui/presenter/show-status.ts';
import { loadTestProblem } from '../../support/datasets.ts';

/** A clock the test moves by hand. */
function manualClock() {
  let now = 0;
  const ticks = new Set<() => void>();
  const clock: ReplayClock = {
    now: () => now,
    every: (_ms, tick) => {
      ticks.add(tick);
      return () => ticks.delete(tick);
    },
  };
  const advance = (ms: number) => {
    for (let t = 0; t < ms; t += 40) {
      now += Math.min(40, ms - t);
      for (const tick of ticks) tick();
    }
  };
  return { clock, advance };
}

async function replay(speed: 1 | 4 | 'step', demo: 'assertion-error' | 'name-error' = 'assertion-error') {
  const problem = await loadTestProblem('humaneval', demo === 'name-error' ? 'HumanEval/0' : 'HumanEval/26');
  const { clock, advance } = manualClock();
  const show = new ReplayShow(
    { problemId: problem.id, problem, pipeline: llamaSelfRefine, mode: 'study', sourceLabel: 'demo', note: null },
    demoRecording(demo).trajectory,
    speed,
    clock,
  );
  return { show, advance };
}

describe('a replay', () => {
  it('plays at the chosen speed: 4× gets four times as far', async () => {
    const one = await replay(1);
    const four = await replay(4);
    one.show.start();
    four.show.start();
    one.advance(2000);
    four.advance(2000);
    expect(four.show.atMs).toBeCloseTo(one.show.atMs * 4, -1);
  });

  it('stands still while paused, and runs to the verdict when resumed', async () => {
    const { show, advance } = await replay(4);
    show.start();
    advance(1000);
    show.togglePause();
    const at = show.atMs;
    advance(5000);
    expect(show.atMs).toBe(at);
    show.togglePause();
    advance(60_000);
    expect(show.finished).toBe(true);
    expect(show.scenes.at(-1)?.kind).toBe('verdict');
    expect(show.playing).toBe(false);
  });

  it('step by step, waits for space or → at every scene', async () => {
    const { show, advance } = await replay('step');
    show.start();
    advance(10_000);
    expect(show.scenes.map((s) => s.kind)).toEqual(['problem']);
    show.togglePause();
    expect(show.scenes.at(-1)).toMatchObject({ kind: 'generation', streaming: false });
    show.next();
    expect(show.scenes.at(-1)).toMatchObject({ kind: 'execution', settled: true });
  });

  it('step by step, the strip says → moves on, and on the last scene that R starts again instead', async () => {
    const { show } = await replay('step');
    show.start();
    expect(showStatus(show)).toBe('step by step: →');
    show.seekScene(999);
    expect(show.scenes.at(-1)?.kind).toBe('verdict');
    expect(showStatus(show)).toBe('the end: R starts again, ← goes back');
    show.previous();
    expect(showStatus(show)).toBe('step by step: →');
  });

  it('says paused while a timed replay is held, and nothing once it has played out', async () => {
    const { show, advance } = await replay(4);
    show.start();
    expect(showStatus(show)).toBe('');
    show.togglePause();
    expect(showStatus(show)).toBe('paused');
    show.togglePause();
    advance(60_000);
    expect(showStatus(show)).toBe('');
  });

  it('← goes back one scene and pauses there; R starts over', async () => {
    const { show, advance } = await replay(1);
    show.start();
    advance(15_000);
    const count = show.scenes.length;
    show.previous();
    expect(show.scenes).toHaveLength(count - 1);
    expect(show.playing).toBe(false);
    show.restart();
    expect(show.scenes.map((s) => s.kind)).toEqual(['problem']);
    expect(show.playing).toBe(true);
  });

  it('counts every scene of the recording from the first one: 1/7, 2/7 … 7/7, and ← keeps the 7', async () => {
    const { show } = await replay('step');
    show.start();
    show.seekScene(999);
    const total = show.scenes.length;
    expect(total).toBeGreaterThan(3);
    show.restart();
    const counter = () => `${show.shownIndex + 1}/${show.sceneTotal}`;
    const seen = [counter()];
    while (!show.finished) {
      show.next();
      seen.push(counter());
    }
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => `${i + 1}/${total}`));
    show.previous();
    expect(counter()).toBe(`${total - 1}/${total}`);
  });

  it('counts every scene of the recording while it plays in time too', async () => {
    const { show, advance } = await replay(4);
    show.start();
    advance(60_000);
    const total = show.scenes.length;
    show.restart();
    expect(show.sceneTotal).toBe(total);
    advance(3000);
    expect(show.shownIndex + 1).toBeLessThan(total);
    expect(show.sceneTotal).toBe(total);
  });

  it('comes back to a scene by its number, paused there (a reload mid-talk)', async () => {
    const { show, advance } = await replay(1);
    show.start();
    show.seekScene(5);
    expect(show.shownIndex + 1).toBe(5);
    expect(show.scenes.map((s) => s.kind)).toEqual(['problem', 'generation', 'execution', 'briefing', 'refinement']);
    expect(show.playing).toBe(false);
    advance(10_000);
    expect(show.scenes).toHaveLength(5);
    // A number past the end stops on the verdict.
    show.seekScene(999);
    expect(show.scenes.at(-1)?.kind).toBe('verdict');
    expect(show.finished).toBe(true);
  });
});

/**
 * What a screen reader hears as a replay plays: each live region's text each time it changes to
 * something (clearing one says nothing), as the presenter page composes them, frame by frame.
 */
function heard(show: ReplayShow, advance: (ms: number) => void, frames: number, act: (frame: number) => void = () => {}): string[] {
  const said: string[] = [];
  let strip = '';
  let stage = '';
  const voice = new StripVoice();
  for (let frame = 0; frame < frames; frame++) {
    act(frame);
    const nextStage = stageSpeech(show.scenes[show.shownIndex]!);
    const nextStrip = voice.say(show.strip.phase, showStatus(show), phaseOnStage(show));
    if (nextStage !== stage && nextStage) said.push(`stage: ${nextStage}`);
    if (nextStrip !== strip && nextStrip) said.push(`strip: ${nextStrip}`);
    stage = nextStage;
    strip = nextStrip;
    advance(40);
  }
  return said;
}

describe('what a replay says aloud', () => {
  // Audit R199: the stage's banner and the strip said each run's verdict and the show's one after the other.
  it('says each test run and the verdict once, from the stage, and the other phases from the strip', async () => {
    const { show, advance } = await replay(1, 'name-error');
    show.start();
    const said = heard(show, advance, 4000);
    expect(show.finished).toBe(true);
    expect(said).toEqual([
      'strip: The problem',
      'strip: Writing code',
      'strip: Reply complete',
      'stage: Running the tests in Python…',
      "stage: ✗ NameError: name 'itertools' is not defined (in test 1 of 7)",
      'strip: Reading the feedback',
      'strip: Rewriting the code',
      'strip: Reply complete',
      'stage: Running the tests in Python…',
      'stage: ✓ All 7 tests passed',
      'stage: ✓ Passed. Execution feedback fixed it: version 2 of at most 4 passed every test.',
    ]);
  });

  it('step by step and paused, still says what the keys do while the stage says the phase', async () => {
    const step = await replay('step', 'name-error');
    step.show.start();
    const said = heard(step.show, step.advance, 12, () => step.show.next());
    expect(said.filter((s) => s.startsWith('strip:'))).not.toContainEqual(expect.stringMatching(/Tests (passed|failed)|Running the tests|^strip: Passed/));
    // Nor the key's reminder again on its own after each run of the tests (audit R204-4).
    expect(said).not.toContain('strip: step by step: →');
    expect(said.at(-2)).toBe('stage: ✓ Passed. Execution feedback fixed it: version 2 of at most 4 passed every test.');
    expect(said.at(-1)).toBe('strip: the end: R starts again, ← goes back');

    const { show, advance } = await replay(1, 'name-error');
    show.start();
    // Paused while the tests run: the strip says so, and nothing of the phase the banner says.
    const paused = heard(show, advance, 4000, () => {
      if (show.scenes.at(-1)?.kind === 'execution' && show.playing) show.togglePause();
    });
    expect(paused.at(-1)).toBe('strip: paused');
    expect(paused.at(-2)).toBe('stage: Running the tests in Python…');
  });
});

describe('presenter keys', () => {
  const key = (k: string, mods: Partial<{ ctrlKey: boolean; altKey: boolean; metaKey: boolean }> = {}) => ({ key: k, ctrlKey: false, altKey: false, metaKey: false, ...mods });

  it('map space, arrows, R, F, + and − (and a clicker’s Page keys)', () => {
    expect([' ', 'ArrowRight', 'ArrowLeft', 'r', 'F', '+', '-', '?', 'PageDown', 'PageUp', 'b', 'B', '.'].map((k) => actionForKey(key(k), false))).toEqual([
      'toggle-pause',
      'next',
      'previous',
      'restart',
      'fullscreen',
      'bigger',
      'smaller',
      'help',
      'next',
      'previous',
      // A clicker's blank-screen button sends B or a full stop.
      'blank',
      'blank',
      'blank',
    ]);
  });

  it('leave the browser its shortcuts and form fields their letters', () => {
    expect(actionForKey(key('r', { ctrlKey: true }), false)).toBeNull();
    expect(actionForKey(key('+', { metaKey: true }), false)).toBeNull();
    expect(actionForKey(key('r'), true)).toBeNull();
    expect(actionForKey(key('Escape'), true)).toBe('close');
    expect(isTypingTarget(null)).toBe(false);
  });

  it('leave Space to a focused control (it presses the button, scrolls the pane), but keep the arrows for the show', () => {
    expect(actionForKey(key(' '), false, true)).toBeNull();
    expect(actionForKey(key('ArrowRight'), false, true)).toBe('next');
    expect(actionForKey(key('r'), false, true)).toBe('restart');
  });

  it('take a clicker\'s keys from the speed menu, which keeps ↑, ↓ and its letters (audit R212-2)', () => {
    expect(['PageDown', 'ArrowRight', 'PageUp', 'ArrowLeft'].map((k) => actionForKey(key(k), 'menu'))).toEqual(['next', 'next', 'previous', 'previous']);
    expect(['ArrowDown', 'ArrowUp', 'r', ' ', 'b'].map((k) => actionForKey(key(k), 'menu'))).toEqual([null, null, null, null, null]);
    expect(actionForKey(key('Escape'), 'menu')).toBe('close');
  });

  it('know a clicker\'s slideshow button (F5, Shift+F5), and leave Ctrl+F5 to the browser (audit R212-3)', () => {
    expect(isSlideshowKey(key('F5'))).toBe(true);
    expect(isSlideshowKey(key('F5', { ctrlKey: true }))).toBe(false);
    expect(isSlideshowKey(key('F'))).toBe(false);
  });
});
