/**
 * comlink ships its Node adapter as an ES module without a `.d.mts` beside it; its types sit in
 * `node-adapter.d.ts`. This points the `.mjs` path, the one Node can import, at them.
 */
declare module 'comlink/dist/esm/node-adapter.mjs' {
  export { default } from 'comlink/dist/esm/node-adapter';
}
