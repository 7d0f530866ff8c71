import { describe, expect, it } from 'vitest';
import { finishReasonText } from '../../../src/ui/models/finish-reason-text.ts';

describe('why a reply ended, as the Try it panel says it', () => {
  it('says what the usual codes mean instead of "stopped by stop"', () => {
    expect(finishReasonText('stop')).toBe('the model finished its reply');
    expect(finishReasonText('length')).toBe('cut off at the token limit');
    expect(finishReasonText('content_filter')).toBe("stopped by the server's content filter");
    expect(finishReasonText('unknown')).toBe('the server did not say why it ended');
  });

  it('quotes a code it does not know, as the server sent it', () => {
    expect(finishReasonText('recitation')).toBe('ended with finish reason “recitation”');
  });
});
