import csv
import sys


def read_series(path, column="temp_c"):
    with open(path, newline="") as handle:
        return [float(row[column]) for row in csv.DictReader(handle) if row.get(column)]


def sparkline(values, width=60):
    bars = " .:-=+*#%@"
    if not values:
        return ""
    step = max(1, len(values) // width)
    sampled = values[::step]
    low, high = min(sampled), max(sampled)
    span = (high - low) or 1.0
    return "".join(bars[int((v - low) / span * (len(bars) - 1))] for v in sampled)


if __name__ == "__main__":
    print(sparkline(read_series(sys.argv[1])))
