"""Runs a command and writes what its process tree used, for the peer benchmark.

    python rusage.py OUT.json COMMAND [ARGS...]

OUT.json gets the exit code, the wall seconds from spawn to exit, the user + system CPU seconds
of the command and every descendant it waited for (getrusage RUSAGE_CHILDREN), and the peak
resident set size of the largest of them (ru_maxrss, KiB on Linux). The command's own output
goes to this process's stdout and stderr.
"""
import json
import resource
import subprocess
import sys
import time

out, command = sys.argv[1], sys.argv[2:]
started = time.monotonic()
code = subprocess.call(command)
wall = time.monotonic() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out, "w") as f:
    json.dump(
        {
            "exitCode": code,
            "wallSeconds": wall,
            "cpuSeconds": usage.ru_utime + usage.ru_stime,
            "maxRssBytes": usage.ru_maxrss * 1024,
        },
        f,
    )
