"""Windows: one Job Object per learner process, through ctypes (kernel32).

The keeper creates the job, assigns the spawned worker to it while the worker is still only
importing torch (no learner code has run, so nothing has escaped yet), and from then on every
process the learner's code starts belongs to the job too (breakaway is not allowed). The job has:
kill-on-close (when the keeper's handle closes, however the keeper ends, every process in it is
killed), a memory limit over the whole job (committed memory), and an active-process limit. The
keeper reads the job's process count and peak memory, and terminates the whole job at the end.

`kernel32` is a parameter so the same code runs on Linux against a stand-in in the tests
(`tests/test_portable.py`); only `JobTree.for_this_os()` loads the real one.
"""

from __future__ import annotations

import ctypes

KILL_ON_JOB_CLOSE = 0x2000
JOB_MEMORY = 0x200
ACTIVE_PROCESS = 0x8
BASIC_ACCOUNTING = 1  # JobObjectBasicAccountingInformation
EXTENDED_LIMITS = 9  # JobObjectExtendedLimitInformation
PROCESS_SET_QUOTA, PROCESS_TERMINATE = 0x0100, 0x0001
DWORD = ctypes.c_uint32  # Windows' DWORD (ctypes.DWORD is a C long: 8 bytes on Linux, so not used)


class IoCounters(ctypes.Structure):
    _fields_ = [(name, ctypes.c_ulonglong) for name in ("reads", "writes", "others", "read_bytes", "write_bytes", "other_bytes")]


class BasicLimits(ctypes.Structure):
    _fields_ = [("per_process_user_time", ctypes.c_longlong), ("per_job_user_time", ctypes.c_longlong),
                ("flags", DWORD), ("min_working_set", ctypes.c_size_t), ("max_working_set", ctypes.c_size_t),
                ("active_process_limit", DWORD), ("affinity", ctypes.c_size_t),
                ("priority_class", DWORD), ("scheduling_class", DWORD)]


class ExtendedLimits(ctypes.Structure):
    _fields_ = [("basic", BasicLimits), ("io", IoCounters), ("process_memory_limit", ctypes.c_size_t),
                ("job_memory_limit", ctypes.c_size_t), ("peak_process_memory_used", ctypes.c_size_t),
                ("peak_job_memory_used", ctypes.c_size_t)]


class Accounting(ctypes.Structure):
    _fields_ = [("total_user_time", ctypes.c_longlong), ("total_kernel_time", ctypes.c_longlong),
                ("this_period_user_time", ctypes.c_longlong), ("this_period_kernel_time", ctypes.c_longlong),
                ("total_page_faults", DWORD), ("total_processes", DWORD),
                ("active_processes", DWORD), ("total_terminated_processes", DWORD)]


class JobTree:
    """The process tree of one job, as a Job Object holds it (the interface `grader.isolation.ptree.PsTree` also has)."""

    layers = ("jobobject",)

    def __init__(self, kernel32):
        self.k32 = kernel32
        self.handle = kernel32.CreateJobObjectW(None, None)
        if not self.handle:
            raise OSError(f"CreateJobObjectW failed ({kernel32.GetLastError()})")
        self._set(KILL_ON_JOB_CLOSE)

    @classmethod
    def for_this_os(cls) -> "JobTree":
        return cls(ctypes.WinDLL("kernel32", use_last_error=True))  # type: ignore[attr-defined]

    def limit(self, limits: dict) -> None:
        """The job's limits, once its job is known (the worker is warm by then: torch's memory counts too)."""
        self._set(KILL_ON_JOB_CLOSE | JOB_MEMORY | ACTIVE_PROCESS, int(limits["memory_bytes"]), int(limits["max_processes"]) + 1)

    def _set(self, flags: int, memory_bytes: int = 0, processes: int = 0) -> None:
        info = ExtendedLimits()
        info.basic.flags = flags
        info.basic.active_process_limit = processes  # the worker itself, then what the learner starts
        info.job_memory_limit = memory_bytes
        self._call("SetInformationJobObject", self.handle, EXTENDED_LIMITS, ctypes.byref(info), ctypes.sizeof(info))

    def _call(self, name: str, *args):
        if not getattr(self.k32, name)(*args):
            raise OSError(f"{name} failed ({self.k32.GetLastError()})")

    def adopt(self, popen) -> None:
        process = self.k32.OpenProcess(PROCESS_SET_QUOTA | PROCESS_TERMINATE, False, popen.pid)
        if not process:
            raise OSError(f"OpenProcess failed ({self.k32.GetLastError()})")
        try:
            self._call("AssignProcessToJobObject", self.handle, process)
        finally:
            self.k32.CloseHandle(process)

    def count(self) -> int:
        info = Accounting()
        self._call("QueryInformationJobObject", self.handle, BASIC_ACCOUNTING, ctypes.byref(info), ctypes.sizeof(info), None)
        return int(info.active_processes)

    def memory(self) -> int:
        """The job's peak committed memory: at the limit, an allocation has failed (the OS refused it)."""
        info = ExtendedLimits()
        self._call("QueryInformationJobObject", self.handle, EXTENDED_LIMITS, ctypes.byref(info), ctypes.sizeof(info), None)
        return int(info.peak_job_memory_used)

    def over_memory(self, limit: int) -> bool:
        return self.memory() >= limit - 2**20

    def kill(self) -> None:
        self.k32.TerminateJobObject(self.handle, 137)

    def close(self) -> None:
        if self.handle:
            handle, self.handle = self.handle, None
            self.k32.CloseHandle(handle)  # kill-on-close: nothing of the job outlives this
