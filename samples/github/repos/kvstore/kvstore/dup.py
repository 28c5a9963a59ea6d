"""Retry a flaky call with exponential backoff and a little jitter."""

import random
import time


def retry(func, attempts=5, base_delay=0.1, max_delay=2.0, exceptions=(OSError,)):
    """Call func() until it succeeds or the attempts run out; the last error is re-raised."""
    delay = base_delay
    for attempt in range(1, attempts + 1):
        try:
            return func()
        except exceptions:
            if attempt == attempts:
                raise
            time.sleep(delay + random.uniform(0, delay / 2))
            delay = min(delay * 2, max_delay)
    return None


if __name__ == "__main__":
    calls = []

    def sometimes():
        calls.append(1)
        if len(calls) < 3:
            raise OSError("not yet")
        return f"done after {len(calls)} calls"

    print(retry(sometimes, base_delay=0.01))
