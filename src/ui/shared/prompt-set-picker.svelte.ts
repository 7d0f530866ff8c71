/**
 * The prompt set a form will start with: a file the user picked, read and validated by core
 * (readPromptSetFile), or the reasons it was refused. The Study and Search forms each hold one;
 * what the set changes for them is said by core's prompt-set-effect.
 */
import type { PromptSet } from '../../core/prompts/prompt-set.ts';
import { readPromptSetFile } from '../../core/prompts/prompt-set-file.ts';

export interface LoadedPromptSet {
  fileName: string;
  promptSet: PromptSet;
}

export class PromptSetPicker {
  loaded = $state.raw<LoadedPromptSet | null>(null);
  /** The last file picked, when it could not be used: every reason, each naming its field. */
  refused = $state.raw<{ fileName: string; errors: string[] } | null>(null);
  /**
   * A set taken away by something other than the user's Remove (a study link opened over it),
   * and why: said where the set was, so it does not vanish unnoticed. Cleared by the next pick or Remove.
   */
  putAwayNote = $state<string | null>(null);

  /** Reads a picked file. A refused file unloads the set before it: the user meant to replace it. */
  read(fileName: string, bytes: Uint8Array): boolean {
    this.putAwayNote = null;
    const result = readPromptSetFile(bytes);
    if (result.ok) {
      this.loaded = { fileName, promptSet: result.promptSet };
      this.refused = null;
      return true;
    }
    this.loaded = null;
    this.refused = { fileName, errors: result.errors };
    return false;
  }

  async pick(file: File): Promise<boolean> {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch (error) {
      this.putAwayNote = null;
      this.loaded = null;
      this.refused = { fileName: file.name, errors: [`The file could not be read: ${error instanceof Error ? error.message : String(error)}`] };
      return false;
    }
    return this.read(file.name, bytes);
  }

  remove(): void {
    this.loaded = null;
    this.refused = null;
    this.putAwayNote = null;
  }

  /** Unloads the set for a reason the user did not give; `why(fileName)` is the sentence said in its place. Nothing loaded: nothing said. */
  putAway(why: (fileName: string) => string): void {
    const loaded = this.loaded;
    this.remove();
    if (loaded) this.putAwayNote = why(loaded.fileName);
  }

  /** The set to start with, if one is loaded. */
  get promptSet(): PromptSet | undefined {
    return this.loaded?.promptSet;
  }
}
