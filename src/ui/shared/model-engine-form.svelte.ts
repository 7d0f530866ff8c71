/**
 * The part of the Study and Search forms that says where the models run: in this browser
 * (WebLLM, a build per model key for this GPU) or on an OpenAI-compatible endpoint (a model name
 * per key, its defaults from the Models page). The API key stays in this tab: it is sent to the
 * endpoint the form names and never written into a study, a search, a link or a file.
 */
import { webllmIdFor } from '../../core/pipeline/model-keys.ts';
import { baseUrlProblem } from '../../core/study/config.ts';
import { EXAMPLE_ENDPOINT, isKeyOfAnotherEndpoint, sameEndpoint, spaceInAddress } from '../../llm/endpoint-url.ts';

/** The endpoint field's label, which its problem sentences start with (field-problems.ts). */
export const ENDPOINT_LABEL = 'Endpoint URL';

export abstract class ModelEngineForm {
  /** 'webllm' or 'openai'; a subclass may offer more engines. */
  abstract engine: string;
  /** The model keys the form's pipelines use. */
  abstract readonly modelKeys: readonly string[];
  endpoint = $state('');
  /** Sent to the endpoint only. */
  apiKey = $state('');
  /**
   * The key the Models page remembers and the endpoint it was saved with. That key belongs to that
   * endpoint: a form pointed at another one (a study link names its own) does not send it there.
   */
  settingsKey: { key: string; endpoint: string } = { key: '', endpoint: '' };
  /** The endpoint's default model name (from the Models page settings) for keys not named here that it does not serve. */
  defaultEndpointModel = $state('');
  /**
   * The models the Models page's endpoint listed when last tested, and that endpoint. A key it
   * serves under its own name (Ollama's `llama3.2:3b`) is sent as itself: the Models page's one
   * model stands in only for keys it does not serve, or every arm would run that one model
   * whatever its label says. The list is that server's: a form pointed at another (a study
   * link's) does not take it for what the other serves.
   */
  endpointServes = $state.raw<{ endpoint: string; models: readonly string[] }>({ endpoint: '', models: [] });
  /** Model key → the endpoint's model name (engine openai) or a WebLLM build id (engine webllm), when not the default. */
  modelNames = $state<Record<string, string>>({});
  /** Whether this GPU has shader-f16 (decides WebLLM builds); set once probed. */
  shaderF16 = $state(true);

  /**
   * Where the form's models would be asked, in one string (engine, endpoint, key, model names): a
   * start refused for reasons that are not the form's fields ("Could not reach…", a key refused)
   * is about this, and its alert goes once it changes (DeskPage).
   */
  get modelSource(): string {
    return JSON.stringify([this.engine, this.endpoint.trim(), this.apiKey, this.modelKeys.map((key) => this.modelNameFor(key))]);
  }

  /** The name a key is sent under: chosen here, else the engine's default. */
  modelNameFor(key: string): string {
    const chosen = this.modelNames[key]?.trim();
    if (chosen) return chosen;
    if (this.engine === 'webllm') return webllmIdFor(key, this.shaderF16) ?? '';
    if (this.endpointServes.models.includes(key) && sameEndpoint(this.endpoint, this.endpointServes.endpoint)) return key;
    return this.defaultEndpointModel.trim() || key;
  }

  setModelName(key: string, name: string): void {
    this.modelNames = { ...this.modelNames, [key]: name };
  }

  /**
   * The API key for an endpoint's API root: only the endpoint this form names gets it, and the
   * Models page's remembered key only when that is the endpoint it was saved for.
   */
  apiKeyFor(root: string): string | undefined {
    if (!this.apiKey || !sameEndpoint(this.endpoint, root)) return undefined;
    return isKeyOfAnotherEndpoint(this.apiKey, root, this.settingsKey) ? undefined : this.apiKey;
  }

  /**
   * What keeps the Endpoint URL from being sent to, as the form's problem sentence (it starts with
   * the field's label, so the field shows it too), or null. Only with the endpoint engine. Checked
   * as it is typed: `localhost:11434` used to reach the study's config check and come back as a
   * developer's sentence (`models["llama3.2:3b"].baseUrl: expected an http or https URL…`) in an
   * alert, far from the field. A bare host is refused, not completed, as the Models page refuses it.
   */
  endpointProblem(): string | null {
    if (this.engine !== 'openai') return null;
    const typed = this.endpoint.trim();
    if (!typed) return `${ENDPOINT_LABEL}: empty. Give the endpoint’s address, e.g. ${EXAMPLE_ENDPOINT}.`;
    if (!/^https?:\/\//i.test(typed)) return `${ENDPOINT_LABEL}: start it with http:// or https://, e.g. ${EXAMPLE_ENDPOINT}.`;
    // Taken by Chromium as local%20host, refused by Node: a link or a result file from here was refused by the command line.
    const spaced = spaceInAddress(typed);
    if (spaced) return `${ENDPOINT_LABEL}: ${spaced}`;
    try {
      new URL(typed);
    } catch {
      return `${ENDPOINT_LABEL}: “${typed}” is not a whole address. Give one like ${EXAMPLE_ENDPOINT}.`;
    }
    // A user name, a password or a key in the address would be written into every result file and link.
    const unsafe = baseUrlProblem(typed);
    return unsafe ? `${ENDPOINT_LABEL}: ${unsafe}` : null;
  }

  /**
   * Points the form at an endpoint someone else chose (a study link). A key belongs to the endpoint
   * it was typed or saved for: pointed elsewhere, the field keeps only the key the Models page
   * saved for the new endpoint, or none. A key typed for another endpoint used to stay, and a link
   * opened in the same tab then sent it to the server the link named.
   */
  pointAt(endpoint: string): void {
    const moved = !sameEndpoint(this.endpoint, endpoint);
    this.endpoint = endpoint;
    if (moved) this.apiKey = this.settingsKey.key && sameEndpoint(this.settingsKey.endpoint, endpoint) ? this.settingsKey.key : '';
    else if (isKeyOfAnotherEndpoint(this.apiKey, endpoint, this.settingsKey)) this.apiKey = '';
  }
}
