/**
 * The black screen and the keyboard help hold a playing show still: the room misses no step while
 * it cannot see the stage, and the show plays on once nothing covers it.
 */
import { describe, expect, it } from 'vitest';
import { ShowHold } from '../../../src/ui/presenter/show-hold.ts';

function fakeShow(playing: boolean) {
  return {
    playing,
    finished: false,
    presses: 0,
    togglePause() {
      this.presses++;
      if (this.finished) return;
      this.playing = !this.playing;
    },
  };
}

describe('holding the show while the stage is covered', () => {
  it('pauses a playing show while the help is open and plays it on when the help closes', () => {
    const show = fakeShow(true);
    const hold = new ShowHold(() => show);
    hold.hold('help');
    expect(show.playing).toBe(false);
    hold.release('help');
    expect(show.playing).toBe(true);
  });

  it('leaves a show the presenter had paused paused', () => {
    const show = fakeShow(false);
    const hold = new ShowHold(() => show);
    hold.hold('blank');
    hold.release('blank');
    expect(show.playing).toBe(false);
    expect(show.presses).toBe(0);
  });

  it('plays on only once both the black screen and the help are gone, and only once', () => {
    const show = fakeShow(true);
    const hold = new ShowHold(() => show);
    hold.hold('blank');
    hold.hold('help');
    hold.hold('help');
    hold.release('blank');
    expect(show.playing).toBe(false);
    hold.release('help');
    hold.release('help');
    expect(show.playing).toBe(true);
    expect(show.presses).toBe(2);
  });

  it('does not start again a show that finished, nor one the presenter set going meanwhile', () => {
    const finished = fakeShow(true);
    const hold = new ShowHold(() => finished);
    hold.hold('help');
    finished.finished = true;
    hold.release('help');
    expect(finished.presses).toBe(1);

    const resumed = fakeShow(true);
    const other = new ShowHold(() => resumed);
    other.hold('help');
    resumed.togglePause();
    other.release('help');
    expect(resumed.playing).toBe(true);
  });

  it('forgets its holds when the show is stopped: a new show is not paused or played by them', () => {
    let show: ReturnType<typeof fakeShow> | null = fakeShow(true);
    const hold = new ShowHold(() => show);
    hold.hold('help');
    hold.clear();
    show = fakeShow(false);
    hold.release('help');
    expect(show.playing).toBe(false);
    expect(show.presses).toBe(0);
  });
});
