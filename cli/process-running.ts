/** Whether process `pid` is running: EPERM means a process of another user has that id (running); ESRCH, none has. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
