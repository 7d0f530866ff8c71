/**
 * A typed number of Python workers, made one the machine can run: whole, from 1 to `max`. The
 * field then shows this number, not what was typed: a field left saying 9 while 2 run (or 0
 * while 1 runs) tells the user something untrue about the run.
 */
export function workerCount(typed: string, max: number): number {
  const wanted = Math.round(Number(typed));
  if (!Number.isFinite(wanted) || wanted < 1) return 1;
  return Math.min(Math.max(1, max), wanted);
}
