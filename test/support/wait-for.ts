/**
 * The one polling helper of the test suite: for conditions that only show in the cluster (a pod
 * gone, a status written) there is no event to await, so tests poll with a bounded deadline.
 */

/** Polls `probe` until it returns a value that is not undefined/false; throws with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, intervalMs = 50): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? ` (last error: ${lastError.message})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** `waitFor` for a read whose value decides: reads until `done(value)` holds and returns that value. */
export function readUntil<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000, intervalMs = 50): Promise<T> {
  return waitFor(what, async () => {
    const value = await read();
    return done(value) ? { value } : undefined;
  }, timeoutMs, intervalMs).then((r) => r.value);
}

/**
 * Asserts that `probe` stays truthy for `durationMs` (for "nothing happens" checks where no fake
 * clock can stand in: this samples the cluster repeatedly over a bounded window).
 */
export async function holdsFor(what: string, probe: () => Promise<boolean> | boolean, durationMs: number, intervalMs = 100): Promise<void> {
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    if (!(await probe())) throw new Error(`expected ${what} to hold for ${durationMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
