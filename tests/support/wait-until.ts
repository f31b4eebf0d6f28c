/** Polls until `check` holds; the failure names what was awaited. */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  seconds = 90,
  intervalMs = 200,
): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Awaits a fixture's teardown for at most `seconds`, then fails naming it. A pool's `end()` waits for
 * every checked-out client, so a test that timed out holding one would otherwise hang the whole run
 * (vitest bounds hooks, not fixture teardowns): CI would see only its own timeout, long after.
 */
export async function teardownWithin(what: string, teardown: Promise<void>, seconds = 30): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `${what} did not finish within ${seconds} s: a connection is still in use, most likely by a test that timed out; see that test's failure above`,
          ),
        ),
      seconds * 1000,
    );
  });
  try {
    await Promise.race([teardown, expired]);
  } finally {
    clearTimeout(timer);
  }
}
