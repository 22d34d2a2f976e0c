"""Run a command under a seccomp filter like Docker's default profile (a launcher of the
emulated Gradescope container, ``gradescope_container.py``).

    python container_seccomp.py [--landlock ENOSYS|EPERM] -- COMMAND [ARGUMENT ...]

Every system call is allowed but those Docker's profile refuses to a container without
CAP_SYS_ADMIN that matter to a grader: namespaces, mounts, keyrings, BPF, perf events and
userfaultfd answer EPERM, and so does ``clone`` asked for a new namespace; ``clone3`` answers
ENOSYS, as in Docker, so that the C library falls back to ``clone``. ``--landlock`` also
answers the three Landlock calls, as Docker versions whose profile predates Landlock do
(EPERM), or as a kernel without it (ENOSYS).

Start it as root with every capability, before the capabilities are dropped: the filter is
loaded without setting no_new_privs, as Docker does, which takes CAP_SYS_ADMIN.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys

import pyseccomp as seccomp

REFUSED_CALLS = ("unshare", "setns", "mount", "umount2", "pivot_root", "keyctl", "bpf",
                 "perf_event_open", "userfaultfd")
# CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET: Docker's mask 0x7E020000
NAMESPACE_FLAGS = (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000,
                   0x40000000)
LANDLOCK_CALLS = ("landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self")


def docker_like_filter(landlock: str | None) -> seccomp.SyscallFilter:
    rules = seccomp.SyscallFilter(seccomp.ALLOW)
    rules.set_attr(seccomp.Attr.CTL_NNP, 0)
    refused = seccomp.ERRNO(errno.EPERM)
    for call in REFUSED_CALLS:
        rules.add_rule(refused, call)
    for flag in NAMESPACE_FLAGS:
        rules.add_rule(refused, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    if landlock:
        for call in LANDLOCK_CALLS:
            rules.add_rule(seccomp.ERRNO(getattr(errno, landlock)), call)
    return rules


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--landlock", choices=("ENOSYS", "EPERM"))
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command to run")
    docker_like_filter(args.landlock).load()
    os.execvp(command[0], command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
