/** What the presenter stage needs from a show, whether it replays a recording or runs live. */
import type { Problem } from '../../core/benchmarks/problem.ts';
import type { HarnessMode } from '../../core/harness/outcome.ts';
import type { Pipeline } from '../../core/pipeline/genome.ts';
import type { PlaybackSpeed } from '../../core/presenter/link.ts';
import type { Scene } from '../../core/presenter/scenes.ts';
import type { StripReading } from '../../core/presenter/strip.ts';

export interface ShowSubject {
  problemId: string;
  /** Null when the benchmark file could not be loaded: the show still runs, without per-test ticks. */
  problem: Problem | null;
  pipeline: Pipeline;
  mode: HarnessMode;
  /** Where the replies come from, as the toolbar says it ("Built-in demo recording", "Endpoint fake-model"…). */
  sourceLabel: string;
  /** A caveat shown with the show (hand-written replies, a cap turned off…). */
  note: string | null;
}

export interface PresenterShow {
  readonly kind: 'replay' | 'live';
  readonly subject: ShowSubject;
  readonly scenes: Scene[];
  /**
   * How many scenes the show has in all, when that is known before they play: a recording's are.
   * Null for a live run, whose scenes do not exist until the model writes them.
   */
  readonly sceneTotal: number | null;
  /** The scene on stage. */
  readonly shownIndex: number;
  readonly strip: StripReading;
  /** False while paused (or, step by step, always). */
  readonly playing: boolean;
  readonly finished: boolean;
  /** Replay speed; null for a live run. */
  readonly speed: PlaybackSpeed | null;
  /** A live run's failure (an endpoint error, no sandbox), for the stage to show. */
  readonly error: string | null;
  /** Whether the stage shows the failure: it stands after the last scene, and ← looks back past it. */
  readonly showingError: boolean;
  /** Set while a live run prepares (a model loading): what it is doing. */
  readonly preparing: string | null;
  /** What a screen reader is told of `preparing`: its progress in tenths, every few seconds at most. */
  readonly preparingSpoken: string | null;
  start(): void;
  togglePause(): void;
  next(): void;
  previous(): void;
  restart(): void;
  setSpeed(speed: PlaybackSpeed): void;
  /**
   * Goes to scene `sceneNumber` (1 is the problem, as in the address), paused there: where a
   * reload mid-talk comes back to. A live run cannot seek; it starts over.
   */
  seekScene(sceneNumber: number): void;
  /** Stops timers and any run in flight. */
  stop(): void;
}
