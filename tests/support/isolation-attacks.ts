/**
 * Programs that leave state behind in a sandbox worker where Python cannot list it, shared by the
 * Node isolation tests and the browser's hostile-code tests: each once changed a later program's
 * verdict in the same worker.
 */

/** Leaves in typing's cache a key that hashes as (List, float) and raises when compared to it. */
export const TYPING_CACHE_POISON = `import typing
for clear in typing._cleanups:
    clear()
armed = []
class Twin:
    def __hash__(self):
        return hash(float)
    def __eq__(self, other):
        if armed:
            raise ValueError('planted by an earlier program')
        return False
    def __call__(self):
        pass
typing.List[Twin()]
armed.append(1)`;

/**
 * Empties the interpreter's codec cache (taking the standard search function out and back in),
 * makes encodings' own cache answer rot13 with a forgery, and looks it up: the interpreter caches
 * the forgery under 'rot13', where encodings' cache, put back after the program, is not consulted.
 */
export const CODEC_CACHE_POISON = `import codecs, encodings
codecs.unregister(encodings.search_function)
codecs.register(encodings.search_function)
forged = codecs.CodecInfo(lambda s, errors='strict': ('forged', len(s)), lambda s, errors='strict': ('forged', len(s)), name='rot13')
encodings._cache['rot13'] = forged
assert codecs.encode('ab', 'rot13') == 'forged'`;
