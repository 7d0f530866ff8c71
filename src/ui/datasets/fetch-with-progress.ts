/** A FetchBytes that reports bytes as they arrive, so a slow download shows movement. */
import { noAnswerError, type FetchBytes } from '../../core/benchmarks/datasets.ts';

export interface DownloadProgress {
  url: string;
  receivedBytes: number;
  /** From Content-Length; null when the server does not say. */
  totalBytes: number | null;
}

export function fetchBytesWithProgress(onProgress: (progress: DownloadProgress) => void): FetchBytes {
  return async (url) => {
    let response: Response;
    try {
      response = await fetch(url);
    } catch (error) {
      // fetch says only "Failed to fetch"; name the likely causes for the failure panel, as the released files' fetcher does.
      throw noAnswerError(error);
    }
    if (!response.ok) throw new Error(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    const length = Number(response.headers.get('content-length'));
    const totalBytes = Number.isFinite(length) && length > 0 ? length : null;
    if (!response.body) return new Uint8Array(await response.arrayBuffer());

    const chunks: Uint8Array[] = [];
    let receivedBytes = 0;
    onProgress({ url, receivedBytes, totalBytes });
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      receivedBytes += value.byteLength;
      onProgress({ url, receivedBytes, totalBytes });
    }
    const bytes = new Uint8Array(receivedBytes);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return bytes;
  };
}
