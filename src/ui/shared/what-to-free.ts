/**
 * What a user can delete when the browser's storage is full, as every message about it says:
 * the big things the app itself keeps (a model's weights run to gigabytes; a long study or search
 * to hundreds of megabytes). One text, so the six messages that name it stay in step.
 */
export const WHAT_TO_FREE = 'a downloaded model on the Models page, an old study or search';
