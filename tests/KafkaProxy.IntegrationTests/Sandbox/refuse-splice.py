#!/usr/bin/python3
# refuse-splice.py COMMAND [ARG...]
#
# Runs COMMAND with a seccomp filter under which splice(2) fails with EPERM, as a container runtime's or a hardened
# service's system-call policy may make it fail; every other call is allowed. The filter is inherited across exec and
# cannot be lifted, so the whole process (the kafka-proxy under test) sees a kernel that refuses to splice.
# Used by ConsoleHostTests: the proxy must notice, warn once and forward through its memory instead, losing nothing.
import ctypes
import os
import struct
import sys

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
EPERM = 1

# Classic BPF opcodes, and where seccomp_data keeps the call's number (offset 0) and the architecture (offset 4).
LOAD_WORD = 0x20  # BPF_LD | BPF_W | BPF_ABS
JUMP_IF_EQUAL = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
RETURN = 0x06  # BPF_RET | BPF_K
ARCH_X86_64, SPLICE_X86_64 = 0xC000003E, 275
ARCH_AARCH64, SPLICE_AARCH64 = 0xC00000B7, 76


def op(code, k, if_true=0, if_false=0):
    # struct sock_filter: u16 code, u8 jt, u8 jf, u32 k; jumps count instructions after the next one.
    return struct.pack("=HBBI", code, if_true, if_false, k)


program = b"".join([
    op(LOAD_WORD, 4),                                          # 0: architecture
    op(JUMP_IF_EQUAL, ARCH_X86_64, 0, 2),                      # 1: x86-64? 2 : 4
    op(LOAD_WORD, 0),                                          # 2: call number
    op(JUMP_IF_EQUAL, SPLICE_X86_64, 4, 3),                    # 3: splice? 8 : 7
    op(JUMP_IF_EQUAL, ARCH_AARCH64, 0, 2),                     # 4: arm64? 5 : 7
    op(LOAD_WORD, 0),                                          # 5: call number
    op(JUMP_IF_EQUAL, SPLICE_AARCH64, 1, 0),                   # 6: splice? 8 : 7
    op(RETURN, SECCOMP_RET_ALLOW),                             # 7
    op(RETURN, SECCOMP_RET_ERRNO | EPERM),                     # 8
])


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]


if len(sys.argv) < 2:
    sys.exit("usage: refuse-splice.py COMMAND [ARG...]")

libc = ctypes.CDLL(None, use_errno=True)
libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
fprog = SockFprog(len(program) // 8, program)
if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0:
    sys.exit(f"refuse-splice.py: PR_SET_NO_NEW_PRIVS failed: {os.strerror(ctypes.get_errno())}")
if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
    sys.exit(f"refuse-splice.py: installing the seccomp filter failed: {os.strerror(ctypes.get_errno())}")
os.execvp(sys.argv[1], sys.argv[1:])
