#!/usr/bin/env python3
# Copyright (c) 2023 Mara Lindqvist
#
# This file is part of kvstore and is released under the MIT License.
# See the LICENSE file in the project root for the full licence text.
"""An append-only log of JSON records, replayed into a dict when the store is opened."""

from __future__ import annotations

import json
import os
from pathlib import Path

from kvstore.util import atomic_write, check_key

TOMBSTONE = {"__deleted__": True}


class Store:
    """Keys are strings, values anything JSON can hold. Every write appends one line to the log."""

    def __init__(self, path):
        self.path = Path(path)
        self._data = {}
        if self.path.exists():
            self._replay()

    def _replay(self):
        with self.path.open("r", encoding="utf-8") as log:
            for number, line in enumerate(log, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    key, value = json.loads(line)
                except ValueError:
                    raise ValueError(f"{self.path}:{number}: corrupt record") from None
                if value == TOMBSTONE:
                    self._data.pop(key, None)
                else:
                    self._data[key] = value

    def _append(self, key, value):
        with self.path.open("a", encoding="utf-8") as log:
            log.write(json.dumps([key, value], sort_keys=True) + "\n")
            log.flush()
            os.fsync(log.fileno())

    def get(self, key, default=None):
        return self._data.get(check_key(key), default)

    def set(self, key, value):
        self._append(check_key(key), value)
        self._data[key] = value

    def delete(self, key):
        if check_key(key) not in self._data:
            return False
        self._append(key, TOMBSTONE)
        del self._data[key]
        return True

    def compact(self):
        """Rewrite the log with one record per live key, atomically."""
        lines = [json.dumps([k, v], sort_keys=True) for k, v in sorted(self._data.items())]
        atomic_write(self.path, "".join(line + "\n" for line in lines))

    def keys(self):
        return sorted(self._data)

    def __len__(self):
        return len(self._data)

    def __contains__(self, key):
        return key in self._data

    def __iter__(self):
        return iter(self.keys())


def open_store(path):
    return Store(path)


if __name__ == "__main__":
    import sys

    store = open_store(sys.argv[1])
    for key in store:
        print(key, json.dumps(store.get(key)))
