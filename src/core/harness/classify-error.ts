import { ERROR_CATEGORIES, type ErrorCategory } from './outcome.ts';

/**
 * Built-in exceptions that are not categories themselves, mapped to their nearest ancestor that
 * is, following CPython's class hierarchy, so `except`-style reasoning and the tables agree:
 * a ModuleNotFoundError is an ImportError, an UnboundLocalError a NameError.
 * TabError subclasses IndentationError (not SyntaxError directly), and mixing tabs and spaces is
 * a layout mistake of the same kind as a bad indent, so it counts as IndentationError.
 */
const ANCESTOR: Readonly<Record<string, ErrorCategory>> = {
  ModuleNotFoundError: 'ImportError',
  TabError: 'IndentationError',
  _IncompleteInputError: 'SyntaxError',
  UnboundLocalError: 'NameError',
  UnicodeError: 'ValueError',
  UnicodeDecodeError: 'ValueError',
  UnicodeEncodeError: 'ValueError',
  UnicodeTranslateError: 'ValueError',
  JSONDecodeError: 'ValueError',
  // The sandbox's own label for programs that kill their interpreter.
  Crash: 'Crash',
};

const CATEGORY_NAMES: ReadonlySet<string> = new Set(ERROR_CATEGORIES);

/**
 * The table category for a Python exception class name. Dotted names (`json.decoder.JSONDecodeError`)
 * are read by their last part; anything unknown, including user-defined exceptions, is `other`.
 */
export function classifyError(errorType: string): ErrorCategory {
  const name = errorType.trim().split('.').pop() ?? '';
  if (CATEGORY_NAMES.has(name)) return name as ErrorCategory;
  return ANCESTOR[name] ?? 'other';
}
