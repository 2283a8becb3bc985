#!/usr/bin/env python3
"""Log inferences into llog from Python, through `llog ingest --listen unix:PATH`.

Usage: ingest_client.py SOCKET. Standard library only: copy log() into your app.
"""
import json, socket, sys, time

def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s, s.makefile("r", encoding="utf-8")

def log(sock, replies, ack=False, **inference):
    """Send one inference (the export's member names); with ack=True, wait until
    it is durable and return {"ack": seq, "hash": ...} (or {"line": n, "error": ...})."""
    if ack:
        inference["ack"] = True
    sock.sendall((json.dumps(inference, ensure_ascii=False) + "\n").encode("utf-8"))
    return json.loads(replies.readline()) if ack else None

if __name__ == "__main__":
    sock, replies = connect(sys.argv[1])
    t0 = time.monotonic()
    answer = "Paris."  # from your model
    ms = (time.monotonic() - t0) * 1000
    log(sock, replies, model="phi-3-mini", provider="llama.cpp", operation="chat",
        prompt="Capital of France? Reply to jane@example.com", response=answer, latency_ms=ms)
    # An acknowledgement vouches for this line and every earlier one.
    print(log(sock, replies, ack=True, model="phi-3-mini", prompt="And of Italy?", response="Rome.",
              latency_ms=41.5, tokens_in=5, tokens_out=2, attributes={"device.id": "pi-7"}))
    sock.close()
