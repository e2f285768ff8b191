/**
 * `work`'s answer, or `late` once `ms` have passed without one (the work goes on; its
 * answer is dropped). For health checks, whose caller must hear back in time even from a
 * dependency that hangs.
 */
export function within<T>(ms: number, work: Promise<T>, late: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<T>(resolve => {
      timer = setTimeout(() => resolve(late), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
