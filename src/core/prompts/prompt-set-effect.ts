/**
 * What a loaded prompt set changes, in plain words for the page that loads it: which built-in
 * texts it replaces, which ids it adds, and whether the study's arms (or the search's pools)
 * send any of them. A set that changes nothing the study sends is worth saying so: the study
 * then runs the built-in texts whatever the file holds.
 */
import { llmNodes, type NodeRole, type Pipeline } from '../pipeline/genome.ts';
import { defaultPromptPools, type PromptPoolChoice } from '../search/search-config.ts';
import { BUILTIN_PROMPTS, type PromptSet } from './prompt-set.ts';

/** A prompt id a pipeline's node sends, with the role of that node. */
export interface PromptUse {
  id: string;
  role: NodeRole;
}

export interface PromptSetEffect {
  /** Built-in ids the set gives another text (or another role). */
  replaced: string[];
  /** Built-in ids the set repeats word for word, role and all. */
  restated: string[];
  /** Ids the built-in pool does not have. */
  added: string[];
  /** Ids the uses send whose text differs from the built-in one (replaced or added ones), in use order. */
  changedInUse: string[];
  /** Ids the set gives to another role than the node that sends them: those pipelines cannot run. */
  misfits: { id: string; setRole: NodeRole; usedAs: NodeRole }[];
}

/** The prompt ids the pipelines send, once per id and role, in first-use order. Inline texts are not ids. */
export function promptUses(pipelines: readonly Pipeline[]): PromptUse[] {
  const uses: PromptUse[] = [];
  for (const pipeline of pipelines) {
    for (const { role, node } of llmNodes(pipeline)) {
      if (!('id' in node.prompt)) continue;
      const id = node.prompt.id;
      if (!uses.some((u) => u.id === id && u.role === role)) uses.push({ id, role });
    }
  }
  return uses;
}

export function promptSetEffect(set: PromptSet, uses: readonly PromptUse[]): PromptSetEffect {
  const builtin = new Map(BUILTIN_PROMPTS.prompts.map((p) => [p.id, p]));
  const effect: PromptSetEffect = { replaced: [], restated: [], added: [], changedInUse: [], misfits: [] };
  const changed = new Set<string>();
  for (const prompt of set.prompts) {
    const original = builtin.get(prompt.id);
    if (!original) effect.added.push(prompt.id);
    else if (original.text === prompt.text && original.role === prompt.role) effect.restated.push(prompt.id);
    else effect.replaced.push(prompt.id);
    if (!original || original.text !== prompt.text || original.role !== prompt.role) changed.add(prompt.id);
  }
  const byId = new Map(set.prompts.map((p) => [p.id, p]));
  for (const use of uses) {
    const prompt = byId.get(use.id);
    if (!prompt) continue;
    if (changed.has(use.id) && !effect.changedInUse.includes(use.id)) effect.changedInUse.push(use.id);
    if (prompt.role !== use.role) effect.misfits.push({ id: use.id, setRole: prompt.role, usedAs: use.role });
  }
  return effect;
}

/** A role with its article, for sentences: "a refiner", "an analyzer". */
export function aRole(role: string): string {
  return `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role}`;
}

/** What the set does, then what it does to a study of `armCount` arms (`effect` computed over their uses). */
export function describeStudyEffect(effect: PromptSetEffect, armCount: number): string[] {
  const lines = describeContents(effect);
  if (armCount === 0) {
    lines.push('No arms are chosen yet.');
  } else if (effect.changedInUse.length === 0) {
    lines.push('None of them is sent by the chosen arms: this study would send the built-in texts only.');
  } else {
    const n = effect.changedInUse.length;
    lines.push(`The chosen arms send ${n === 1 ? '1 of these texts' : `${n} of these texts`}: ${listIds(effect.changedInUse)}.`);
  }
  for (const misfit of effect.misfits) {
    lines.push(
      `${misfit.id} is ${aRole(misfit.setRole)} prompt in this set, but the chosen arms send it from ${aRole(misfit.usedAs)}: the study cannot start with this set.`,
    );
  }
  return lines;
}

/** The roles a search evolves prompts for. */
const SEARCH_ROLES = ['generator', 'analyzer', 'refiner'] as const;

/** What the set does, then the prompt pools a search would mutate within (`choice`: which built-in prompts they start from). */
export function describeSearchEffect(set: PromptSet, choice: PromptPoolChoice = 'study-sized'): string[] {
  const effect = promptSetEffect(set, []);
  const lines = describeContents(effect);
  const fromSet = new Set(set.prompts.map((p) => p.id));
  const chosen = defaultPromptPools(set, choice);
  const pools = SEARCH_ROLES.map((role) => ({ role, size: chosen[role].length, fromSet: chosen[role].filter((id) => fromSet.has(id)).length }));
  const inPools = pools.reduce((n, p) => n + p.fromSet, 0);
  lines.push(
    `The search's prompt pools: ${pools.map((p) => `${p.size} ${p.role}`).join(', ')} prompts, ` +
      `${inPools === 0 ? 'none of them from this set' : `${inPools} of them from this set`}.`,
  );
  // A replaced built-in text outside the study-sized pools would otherwise seem to be used.
  const pooled = new Set(SEARCH_ROLES.flatMap((role) => chosen[role]));
  const left = [...effect.replaced, ...effect.restated].filter((id) => !pooled.has(id) && SEARCH_ROLES.some((role) => set.prompts.some((p) => p.id === id && p.role === role)));
  if (left.length > 0) {
    lines.push(
      `${listIds(left)} ${left.length === 1 ? 'is' : 'are'} not in the pools of the study's sizes, so ${left.length === 1 ? 'its text is' : 'their texts are'} not used: choose every built-in prompt under Prompt pools to use ${left.length === 1 ? 'it' : 'them'}.`,
    );
  }
  const otherRoles = set.prompts.filter((p) => !(SEARCH_ROLES as readonly string[]).includes(p.role));
  if (otherRoles.length > 0) {
    const roles = [...new Set(otherRoles.map((p) => p.role))].join(', ');
    lines.push(`${count(otherRoles.length, 'prompt is', 'prompts are')} for roles the search does not evolve (${roles}): not used here.`);
  }
  return lines;
}

function describeContents(effect: PromptSetEffect): string[] {
  const lines: string[] = [];
  if (effect.replaced.length > 0) {
    lines.push(`${count(effect.replaced.length, 'prompt replaces a built-in text', 'prompts replace built-in texts')}: ${listIds(effect.replaced)}.`);
  }
  if (effect.restated.length > 0) {
    lines.push(`${count(effect.restated.length, 'prompt repeats its built-in text', 'prompts repeat their built-in texts')} word for word: ${listIds(effect.restated)}.`);
  }
  if (effect.added.length > 0) {
    lines.push(`${count(effect.added.length, 'new id', 'new ids')}, not among the built-in prompts: ${listIds(effect.added)}.`);
  }
  return lines;
}

/** Ids in a sentence, the first few by name: a set of a hundred prompts should not fill the page. */
export function listIds(ids: readonly string[], shown = 6): string {
  if (ids.length <= shown) return ids.join(', ');
  return `${ids.slice(0, shown).join(', ')} and ${ids.length - shown} more`;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
