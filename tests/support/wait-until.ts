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
