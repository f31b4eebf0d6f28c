/** Runs `pass` every `periodMs` (never two at once); a failed pass is logged and the next one retries. */
export function startPoller(
  periodMs: number,
  pass: () => Promise<void>,
  log: { warn(o: object, msg: string): void },
) {
  if (periodMs === 0) return { stop: async () => undefined };
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= pass()
      .catch((error: unknown) => log.warn({ err: error }, 'bi digest: the pass failed; the next one retries'))
      .finally(() => {
        running = undefined;
      });
  }, periodMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
