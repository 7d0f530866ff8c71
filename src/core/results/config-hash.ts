import { sha256Hex } from '../sha256.ts';
import type { StudyConfig } from '../study/config.ts';
import { canonicalJson } from './canonical-json.ts';

/**
 * Identifies a study's exact settings: SHA-256 (lower-case hex) of the config's canonical JSON
 * (keys sorted, no whitespace). Shards of one study merge only when their hashes are equal.
 */
export async function configHash(config: StudyConfig): Promise<string> {
  return sha256Hex(new TextEncoder().encode(canonicalJson(config)));
}
