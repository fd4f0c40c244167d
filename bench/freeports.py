#!/usr/bin/env python3
"""freeports.py N: prints N free TCP ports of 127.0.0.1 below the ephemeral range, so that no
outgoing connection of a bench run takes one of them first. Used by run.sh and guimemory.sh."""
import random
import socket
import sys

n = int(sys.argv[1])
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
socks = []
for _ in range(2000):
    if len(socks) == n:
        break
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", random.randrange(20000, max(20001, min(low, 32768)))))
        socks.append(s)
    except OSError:
        s.close()
# Closed before printing: the shell reads the line and starts binding them while this process may
# still be exiting, so a socket still open here would make the first bind fail (EADDRINUSE).
ports = [s.getsockname()[1] for s in socks]
for s in socks:
    s.close()
print(" ".join(map(str, ports)), flush=True)
