"""The warm grading server of a course and user (`pytorch-tutor server`), and its client.

The first `check` (`watch`, `hint`, `check --all`, a notebook's `check()`) of a course starts the
server in the background; later ones hand it the job over a Unix socket (a named pipe on Windows:
`transport`) that only the user can reach, and print the result it sends back, validated like any
other input (`remote`: watch's and a notebook's way to it). The server imports torch
once, keeps the reference outcomes cached (keyed by the hashes of the exercise's reference
files and the versions of the course, torch and the grader), and grades every job in a fresh
learner process behind the full boundary, exactly as a cold check does.

May import the engine, the front ends' renderers and the base modules. The client modules
(transport, unixsocket, namedpipe, stamp, client, reply, remote, handover, quick) import none of
torch, rich or typer.
"""
