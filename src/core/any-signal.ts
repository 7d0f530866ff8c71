/**
 * `AbortSignal.any` where the platform has it, else the same by hand. Safari has it only from
 * 17.4 (Firefox from 124, Node from 20.3): in Safari 17.0-17.3 every call threw "AbortSignal.any
 * is not a function", and a study's runner, which retries a unit that failed, caught that and
 * tried again without ever waiting: the Study page froze at its first unit (audit R205-1).
 *
 * The stand-in aborts with the reason of the first source to abort, as `AbortSignal.any` does.
 * Like the platform's, it does not keep a combined signal alive from its sources: a study combines
 * its own long-lived stop signal with one per attempt, and listeners that held each attempt's
 * signal would pile up on it for the whole study. The sources' listeners reach the combined
 * signal only through a WeakRef and are taken off once it is collected.
 */
export function anySignal(signals: readonly AbortSignal[]): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any(signals as AbortSignal[]);
  const controller = new AbortController();
  const already = signals.find((signal) => signal.aborted);
  if (already) {
    controller.abort(already.reason);
    return controller.signal;
  }
  // A signal does not hold its controller: this keeps the controller for as long as its signal lives.
  controllers.set(controller.signal, controller);
  const combined = new WeakRef(controller);
  const sources = [...signals];
  const onAbort = (event: Event) => {
    unhook();
    combined.deref()?.abort((event.target as AbortSignal).reason);
  };
  const unhook = () => {
    for (const signal of sources) signal.removeEventListener('abort', onAbort);
  };
  for (const signal of sources) signal.addEventListener('abort', onAbort);
  collected.register(controller.signal, unhook);
  return controller.signal;
}

const controllers = new WeakMap<AbortSignal, AbortController>();
const collected = new FinalizationRegistry<() => void>((unhook) => unhook());
