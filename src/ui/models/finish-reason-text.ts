/**
 * How the Try it panel says why a reply ended. Servers send a code (`stop`, `length`), and
 * "stopped by stop" read as nothing to someone trying a model for the first time; what it means
 * for them is whether the model finished or was cut off at the token limit they set.
 */
export function finishReasonText(reason: string): string {
  switch (reason) {
    case 'stop':
    case 'eos':
    case 'end_turn':
      return 'the model finished its reply';
    case 'length':
    case 'max_tokens':
      return 'cut off at the token limit';
    case 'content_filter':
      return "stopped by the server's content filter";
    case 'tool_calls':
    case 'function_call':
      return 'the model asked to call a tool';
    case 'unknown':
    case '':
      return 'the server did not say why it ended';
    default:
      return `ended with finish reason “${reason}”`;
  }
}
