#!/usr/bin/python3
"""TCP endpoints for the scenarios.

  tcp.py serve PORT NBYTES        listen on every address (v4 and v6), send
                                  NBYTES to each client, then close it
  tcp.py fetch ADDR PORT NBYTES SECONDS
                                  connect, read until NBYTES arrived or
                                  SECONDS passed; print the byte count; exit
                                  0 only if all arrived
  tcp.py connect ADDR PORT SECONDS
                                  connect and close (one SYN, one SYN-ACK)
"""
import socket
import sys
import time


def serve(port, nbytes):
    srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    srv.bind(("::", port))
    srv.listen(64)
    payload = b"x" * nbytes
    while True:
        conn, _ = srv.accept()
        try:
            conn.settimeout(30)
            conn.sendall(payload)
        except OSError:
            pass
        finally:
            conn.close()


def fetch(addr, port, nbytes, seconds):
    deadline = time.monotonic() + seconds
    got = 0
    try:
        s = socket.create_connection((addr, port), timeout=seconds)
        while got < nbytes:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            s.settimeout(left)
            chunk = s.recv(65536)
            if not chunk:
                break
            got += len(chunk)
        s.close()
    except OSError as e:
        print(f"fetch: {e}", file=sys.stderr)
    print(got)
    return 0 if got >= nbytes else 1


def connect(addr, port, seconds):
    try:
        s = socket.create_connection((addr, port), timeout=seconds)
        s.close()
        return 0
    except OSError as e:
        print(f"connect: {e}", file=sys.stderr)
        return 1


def main(argv):
    if len(argv) == 4 and argv[1] == "serve":
        serve(int(argv[2]), int(argv[3]))
        return 0
    if len(argv) == 6 and argv[1] == "fetch":
        return fetch(argv[2], int(argv[3]), int(argv[4]), float(argv[5]))
    if len(argv) == 5 and argv[1] == "connect":
        return connect(argv[2], int(argv[3]), float(argv[4]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
