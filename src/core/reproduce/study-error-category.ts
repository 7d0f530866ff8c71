/**
 * The coarse error families of the study's released files. Its published script
 * (scripts/run_error_analysis.py, categorize_error) also gives ValueError and AttributeError rows
 * of their own, but the released files fold them into "Other" — e.g. qwen→exec→llama in
 * error_taxonomy.json has Other = 5 = 3 ValueError + 1 AttributeError + 1 UnboundLocalError
 * first errors — so the files were written before that change, and this mapping reproduces them.
 */

/**
 * SyntaxError/IndentationError → SyntaxError; IndexError/KeyError → one row; NameError, TypeError,
 * AssertionError, TimeoutError as they are; null → "None" (error_taxonomy.json's label for a failure
 * its harness could not name: mostly a bare `AssertionError`, whose stderr line has no colon, but
 * also a message-less exception, StopIteration or SystemExit, a dotted name, an exit with empty
 * stderr); anything else → Other.
 */
export function studyErrorCategory(errorType: string | null): string {
  if (errorType === null) return 'None';
  switch (errorType) {
    case 'SyntaxError':
    case 'IndentationError':
      return 'SyntaxError';
    case 'IndexError':
    case 'KeyError':
      return 'IndexError/KeyError';
    case 'NameError':
    case 'TypeError':
    case 'AssertionError':
    case 'TimeoutError':
      return errorType;
    default:
      return 'Other';
  }
}
