// Test support: polling for something that happens in the background (a delivery, a
// subscription's step), bounded, with a failure that names what never came.
export const POLL_MS = 20;
/** Long enough for a real broker's consumer group join (seconds) and a busy machine. */
export const WAIT_MS_MAX = 30_000;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  waitMsMax = WAIT_MS_MAX,
): Promise<void> {
  const deadline = Date.now() + waitMsMax;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${waitMsMax} ms waiting for ${what}`);
    await sleep(POLL_MS);
  }
}
