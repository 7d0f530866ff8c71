/**
 * How this page stops a program that runs out of time, in words for the footer. With cross-origin
 * isolation the pool interrupts Python through a SharedArrayBuffer and keeps the worker; without
 * it a deadline check inside the interpreter stops Python-level loops and anything else (a C-level
 * loop, time.sleep) costs a worker restart of about two seconds. Both give the same verdicts.
 */
export interface TimeoutMechanism {
  label: string;
  detail: string;
}

export function timeoutMechanism(isolated: boolean): TimeoutMechanism {
  return isolated
    ? {
        label: 'Timeouts: stopped in place',
        detail: 'This page is cross-origin isolated: a program that runs out of time is interrupted in place and its Python worker is kept.',
      }
    : {
        label: 'Timeouts: by restarting Python',
        detail:
          'This page is not cross-origin isolated (the host sends no COOP/COEP headers and the service worker could not add them): ' +
          'a program that runs out of time is stopped by a deadline check or, failing that, by restarting its Python worker. ' +
          'Verdicts are the same; runs with many timeouts are slower.',
      };
}
