/**
 * Prompt sets: role prompts as data. The built-in pool (builtin-prompts.json) holds the
 * project's own sentences; a user can load a prompt-set file that replaces any of them by id or
 * adds new ones, which is how anyone can run the study's exact prompt texts without this
 * repository shipping them: write a file such as
 *
 *   {"format": "feedback-lab/prompt-set", "version": 1,
 *    "prompts": [{"id": "generator.careful", "role": "generator", "text": "…the study's text…"}]}
 *
 * and every preset that references `generator.careful` now sends that text.
 */
import { NODE_ROLES, type NodeRole, type PromptRef } from '../pipeline/genome.ts';
import { describeValue as describe, isRecord } from '../pipeline/json-shape.ts';
import builtinPromptsJson from './builtin-prompts.json' with { type: 'json' };

export const PROMPT_SET_FORMAT = 'feedback-lab/prompt-set';
export const PROMPT_SET_VERSION = 1;

/** A small valid prompt-set file, as the pages show it to someone who has only the site. */
export const PROMPT_SET_EXAMPLE = JSON.stringify(
  {
    format: PROMPT_SET_FORMAT,
    version: PROMPT_SET_VERSION,
    name: 'My texts',
    prompts: [
      { id: 'generator.plain', role: 'generator', text: 'Write a Python function that solves the task. Reply with code only.' },
      { id: 'refiner.fix', role: 'refiner', text: 'The code below failed its tests. Fix it and reply with the whole corrected code.' },
    ],
  },
  null,
  2,
);

export interface RolePrompt {
  id: string;
  role: NodeRole;
  text: string;
}

export interface PromptSet {
  format: typeof PROMPT_SET_FORMAT;
  version: typeof PROMPT_SET_VERSION;
  name?: string;
  description?: string;
  prompts: RolePrompt[];
}

export type PromptSetResult = { ok: true; promptSet: PromptSet } | { ok: false; errors: string[] };

/** Ids are short and printable so they read well in result files and URLs. */
const PROMPT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,79}$/;
/** Far above any sensible role prompt; it keeps a pasted novel out of every chat. */
const MAX_PROMPT_CHARS = 8000;

/** Checks a parsed prompt-set document; every problem found is reported, each naming its field. */
export function validatePromptSet(value: unknown): PromptSetResult {
  const errors: string[] = [];
  if (!isRecord(value)) return { ok: false, errors: ['A prompt set must be a JSON object.'] };
  if (value.format !== PROMPT_SET_FORMAT) {
    errors.push(`format: expected "${PROMPT_SET_FORMAT}", found ${describe(value.format)}.`);
  }
  if (typeof value.version === 'number' && value.version > PROMPT_SET_VERSION) {
    errors.push(
      `version: this prompt set was written for format version ${value.version}; this Feedback Lab reads version ${PROMPT_SET_VERSION}. Reload the app to update it.`,
    );
  } else if (value.version !== PROMPT_SET_VERSION) {
    errors.push(`version: expected ${PROMPT_SET_VERSION}, found ${describe(value.version)}.`);
  }
  for (const key of ['name', 'description'] as const) {
    if (value[key] !== undefined && typeof value[key] !== 'string') {
      errors.push(`${key}: expected text, found ${describe(value[key])}.`);
    }
  }
  const prompts: RolePrompt[] = [];
  if (!Array.isArray(value.prompts) || value.prompts.length === 0) {
    errors.push('prompts: expected a non-empty list of {id, role, text}.');
  } else {
    const seen = new Set<string>();
    value.prompts.forEach((entry: unknown, i: number) => {
      const at = `prompts[${i}]`;
      if (!isRecord(entry)) {
        errors.push(`${at}: expected an object {id, role, text}, found ${describe(entry)}.`);
        return;
      }
      const before = errors.length;
      const { id, role, text } = entry;
      if (typeof id !== 'string' || !PROMPT_ID.test(id)) {
        errors.push(`${at}.id: expected 1-80 letters, digits, '.', '_', ':' or '-', starting with a letter or digit, found ${describe(id)}.`);
      } else if (seen.has(id)) {
        errors.push(`${at}.id: "${id}" appears twice; ids must be unique within a set.`);
      } else {
        seen.add(id);
      }
      if (typeof role !== 'string' || !(NODE_ROLES as readonly string[]).includes(role)) {
        errors.push(`${at}.role: expected one of ${NODE_ROLES.join(', ')}, found ${describe(role)}.`);
      }
      if (typeof text !== 'string' || text.trim() === '') {
        errors.push(`${at}.text: expected the prompt's text, found ${describe(text)}.`);
      } else if (text.length > MAX_PROMPT_CHARS) {
        errors.push(`${at}.text: ${text.length} characters; the limit is ${MAX_PROMPT_CHARS}.`);
      }
      if (errors.length === before) prompts.push({ id: id as string, role: role as NodeRole, text: text as string });
    });
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    promptSet: {
      format: PROMPT_SET_FORMAT,
      version: PROMPT_SET_VERSION,
      ...(typeof value.name === 'string' ? { name: value.name } : {}),
      ...(typeof value.description === 'string' ? { description: value.description } : {}),
      prompts,
    },
  };
}

/** Parses and validates the text of a prompt-set file. */
export function parsePromptSet(json: string): PromptSetResult {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { ok: false, errors: [`This is not a JSON file: ${(error as Error).message}`] };
  }
  return validatePromptSet(value);
}

function loadBuiltin(): PromptSet {
  const result = validatePromptSet(builtinPromptsJson);
  // The built-in file ships with the app; if it is broken that is a bug, not a user error.
  if (!result.ok) throw new Error(`builtin-prompts.json is invalid: ${result.errors.join(' ')}`);
  return result.promptSet;
}

/** The project's own role prompts. */
export const BUILTIN_PROMPTS: PromptSet = loadBuiltin();

export interface ResolvedPrompt {
  /** Null for a prompt written inline in the pipeline. */
  id: string | null;
  /** Null for an inline prompt: it belongs to whichever node holds it. */
  role: NodeRole | null;
  text: string;
  source: 'prompt-set' | 'builtin' | 'inline';
}

/** Finds a prompt by id: the loaded set first (so it can override), then the built-in pool. */
export function findPrompt(id: string, promptSet?: PromptSet): ResolvedPrompt | null {
  const fromSet = promptSet?.prompts.find((p) => p.id === id);
  if (fromSet) return { ...fromSet, source: 'prompt-set' };
  const builtin = BUILTIN_PROMPTS.prompts.find((p) => p.id === id);
  return builtin ? { ...builtin, source: 'builtin' } : null;
}

/**
 * The text a node sends as its system message. Throws for an unknown id: validatePipeline with
 * the same prompt set reports that earlier, so reaching it here is a caller's bug.
 */
export function resolvePrompt(ref: PromptRef, promptSet?: PromptSet): ResolvedPrompt {
  if ('text' in ref) return { id: null, role: null, text: ref.text, source: 'inline' };
  const found = findPrompt(ref.id, promptSet);
  if (!found) {
    throw new Error(
      `Unknown prompt id "${ref.id}": it is neither in the loaded prompt set nor among the built-in prompts.`,
    );
  }
  return found;
}

/** The pool a search mutates within: built-in prompts of a role, overridden and extended by the set. */
export function promptsForRole(role: NodeRole, promptSet?: PromptSet): RolePrompt[] {
  const byId = new Map<string, RolePrompt>();
  for (const p of BUILTIN_PROMPTS.prompts) if (p.role === role) byId.set(p.id, p);
  for (const p of promptSet?.prompts ?? []) {
    if (p.role === role) byId.set(p.id, p);
    else byId.delete(p.id);
  }
  return [...byId.values()];
}
