/** Served by `webllm-prebuilt-plugin.ts` at build time from the installed `@mlc-ai/web-llm`. */
declare module 'virtual:webllm-prebuilt' {
  const prebuilt: import('./webllm-prebuilt.ts').WebLLMPrebuilt;
  export default prebuilt;
}
