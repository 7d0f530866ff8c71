/**
 * The endpoint as a user sets it for the Study and Search pages: saved on the Models page
 * (address, a connection test, the model), then found already filled in on the page that runs;
 * or typed into the page's own form, key and all.
 */
import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';

export async function saveEndpointOnModelsPage(page: Page, url: string, model: string): Promise<void> {
  await page.getByLabel('Base URL').fill(url);
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.getByText('Connected: 2 models.').waitFor();
  // The endpoint panel's model choice (its label also reads the chosen option).
  await page.getByRole('region', { name: 'OpenAI-compatible endpoint' }).getByRole('combobox').selectOption(model);
}

/** Opens the page from the main navigation, waits for its HumanEval problems, and checks the saved endpoint is chosen. */
export async function openWithSavedEndpoint(page: Page, name: 'Study' | 'Search', url: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
  await page.getByRole('status').filter({ hasText: /HumanEval: 164 problems/ }).waitFor({ timeout: 60_000 });
  await expect.poll(() => page.getByLabel('OpenAI-compatible endpoint').isChecked()).toBe(true);
  expect(await page.getByLabel('Endpoint URL').inputValue()).toBe(url);
}

/** Picks the endpoint in a Study or Search form with its key typed there: not remembered by the Models page, so a reload forgets it. */
export async function typeEndpointWithKey(form: Locator, url: string, apiKey: string): Promise<void> {
  await form.getByLabel('OpenAI-compatible endpoint').check();
  await form.getByLabel('Endpoint URL').fill(url);
  await form.getByLabel('API key (optional)').fill(apiKey);
}
