/** Retries a publish a few times: after a commit, giving up early would leave caches stale. */
export async function publishWithRetry(publish: () => Promise<unknown>, attempts = 5): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await publish();
      return;
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** i));
    }
  }
}
