"""Show that a fan-out costs about one cluster's time, not the sum over the members.

Starts a 20-cluster sandbox whose API servers each add LATENCY_MS to every request, then
times `kubectl fed get ingress` and `kubectl fed clusters` against one member and against
all twenty (separate processes, as a user would run them; best of REPEAT runs).

Run: python bench/fanout_bench.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from kubectl_fed.sandbox.federation import SandboxFederation

CLUSTERS = 20
LATENCY_MS = 300
REPEAT = 3
COMMANDS = (["get", "ingress"], ["clusters"])


def _best_of(args: list[str], env: dict[str, str]) -> float:
    timings = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "kubectl_fed", *args], env=env, capture_output=True, text=True
        )
        timings.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"kubectl fed {' '.join(args)} failed: {done.stderr.strip()}")
    return min(timings)


def main() -> None:
    with SandboxFederation.start(clusters=CLUSTERS, latency_ms=LATENCY_MS) as sandbox:
        env = {
            **os.environ,
            "KUBECONFIG": str(sandbox.kubeconfig_path),
            "KUBECTL_FED_CONFIG": str(sandbox.membership_path),
        }
        first = sandbox.names[0]
        print(f"{CLUSTERS} sandbox clusters, {LATENCY_MS} ms per request (best of {REPEAT})")
        print(f"  {'command':<22} {'1 cluster':>10} {f'{CLUSTERS} clusters':>12} {'ratio':>6}")
        for args in COMMANDS:
            one = _best_of([*args, "--clusters", first], env)
            every = _best_of(args, env)
            print(f"  {' '.join(args):<22} {one:9.2f}s {every:11.2f}s {every / one:6.2f}")


if __name__ == "__main__":
    main()
