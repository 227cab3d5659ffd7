"""CPU time of one password hash + check, per hasher (the cost of a login on the server).

    .venv/bin/python bench/bench_hashers.py [--runs 5]

Needs argon2-cffi for the Argon2 line (not a dependency of the portal: `pip install argon2-cffi`);
without it that line says so.
"""

import argparse
import time

from django.conf import settings

settings.configure()

from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for hasher in (PBKDF2PasswordHasher(), Argon2PasswordHasher()):
        try:
            times = []
            for _ in range(args.runs):
                started = time.process_time()
                encoded = hasher.encode("Bench@2026", hasher.salt())
                hasher.verify("Bench@2026", encoded)
                times.append((time.process_time() - started) / 2)
        except ValueError as missing:
            print(f"{hasher.algorithm}: not measured ({missing})")
            continue
        times.sort()
        print(f"{hasher.algorithm}: median {times[len(times) // 2] * 1000:.0f} ms of CPU per hash ({args.runs} runs)")


if __name__ == "__main__":
    main()
