/**
 * The Models page's "GPU memory WebLLM may use" field: a budget below the minimum, or text that is
 * no number, is named at the field and never saved; it used to be saved, and after a reload every
 * model said it needed "more than the -5 MB budget".
 */
import { describe, expect, it } from 'vitest';
import type { DeviceCapabilities } from '../../../src/core/llm/catalog.ts';
import { MODEL_SETTINGS_KEY } from '../../../src/llm/saved-model-source.ts';
import type { WebLLMCatalog } from '../../../src/llm/model-catalog.ts';
import type { WebLLMSession } from '../../../src/llm/webllm-session.ts';
import { ModelsView } from '../../../src/ui/models/models-view.svelte.ts';
import type { SettingsStorage } from '../../../src/ui/models/saved-settings.ts';

const catalog: WebLLMCatalog = { webllmVersion: '0.2.86', entries: [], missing: [], records: [] };
const caps: DeviceCapabilities = { secureContext: true, webgpu: 'available', features: [], limits: {}, deviceMemoryGB: 8 };

function memoryStorage(): SettingsStorage & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return { values, getItem: (k) => values.get(k) ?? null, setItem: (k, v) => void values.set(k, v), removeItem: (k) => void values.delete(k) };
}

/** A started view; `budgets` records what the engine was handed. */
async function startedView(storage: SettingsStorage) {
  const budgets: (number | undefined)[] = [];
  const session = {
    host: { loadedModelIds: [] },
    setSource: () => undefined,
    setMemoryBudgetMB: (mb: number | undefined) => void budgets.push(mb),
  } as unknown as WebLLMSession;
  const view = new ModelsView({ catalog, session, probe: async () => caps, cacheStorage: undefined, settings: storage });
  await view.start();
  return { view, budgets };
}

const savedBudget = (storage: { values: Map<string, string> }) => JSON.parse(storage.values.get(MODEL_SETTINGS_KEY) ?? '{}').memoryBudgetMB;

describe('the GPU memory budget on the Models page', () => {
  it('saves a budget of at least 256 MB and uses the estimate (half the system memory) when emptied', async () => {
    const storage = memoryStorage();
    const { view, budgets } = await startedView(storage);
    expect([view.estimatedBudgetMB, view.memoryBudgetMB]).toEqual([4096, 4096]);
    view.memoryBudgetInput = 6144;
    view.applySettings();
    expect([savedBudget(storage), view.memoryBudgetMB, budgets.at(-1)]).toEqual([6144, 6144, 6144]);
    view.memoryBudgetInput = null;
    view.applySettings();
    expect([savedBudget(storage), view.memoryBudgetMB]).toEqual([null, 4096]);
  });

  it('refuses 0, -5 and text that is no number at the field, keeps the last good budget, and never saves them', async () => {
    const storage = memoryStorage();
    const { view, budgets } = await startedView(storage);
    view.memoryBudgetInput = 3072;
    view.applySettings();
    for (const typed of [0, -5, 255]) {
      view.memoryBudgetInput = typed;
      expect(view.memoryBudgetProblem).toMatch(new RegExp(`^GPU memory WebLLM may use: ${typed} is out of range\\. Give a number of at least 256`));
      view.applySettings();
      expect([savedBudget(storage), view.memoryBudgetMB, budgets.at(-1)]).toEqual([3072, 3072, 3072]);
    }
    // "1e" in a number field: the browser binds null, as for an emptied field, and says it could not read it.
    view.memoryBudgetInput = null;
    view.memoryBudgetUnreadable = true;
    expect(view.memoryBudgetProblem).toMatch(/not a number/);
    view.applySettings();
    expect(savedBudget(storage)).toBe(3072);
    // After a reload the field holds the last good budget.
    expect((await startedView(storage)).view.memoryBudgetInput).toBe(3072);
  });

  it('ignores a budget below the minimum saved by an older version', async () => {
    const storage = memoryStorage();
    storage.setItem(MODEL_SETTINGS_KEY, JSON.stringify({ weightsBaseUrl: '', librariesBaseUrl: '', memoryBudgetMB: -5 }));
    const { view, budgets } = await startedView(storage);
    expect([view.memoryBudgetInput, view.memoryBudgetProblem, view.memoryBudgetMB, budgets.at(-1)]).toEqual([null, null, 4096, 4096]);
  });
});
