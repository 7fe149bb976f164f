"""Windows: one Job Object per learner process, through ctypes (kernel32).

The keeper creates the job, assigns the spawned worker to it while the worker is still only
importing torch (no learner code has run, so nothing has escaped yet), and from then on every
process the learner's code starts belongs to the job too (breakaway is not allowed). The job has:
kill-on-close (when the keeper's handle closes, however the keeper ends, every process in it is
killed), a memory limit over the whole job (committed memory), an active-process limit, and a
user-mode CPU-time limit over the whole job (JOB_OBJECT_LIMIT_JOB_TIME, counted from when it is
set: torch's import before it is not the job's; at the limit Windows ends every process in the job,
with status ERROR_NOT_ENOUGH_QUOTA). The keeper reads the job's process count, peak memory and
CPU time, and terminates the whole job at the end.

`kernel32` is a parameter so the same code runs on Linux against a stand-in in the tests
(`tests/test_portable.py`); only `JobTree.for_this_os()` loads the real one.
"""

from __future__ import annotations

import ctypes

KILL_ON_JOB_CLOSE = 0x2000
JOB_MEMORY = 0x200
ACTIVE_PROCESS = 0x8
JOB_TIME = 0x4
TICKS = 10_000_000  # 100-nanosecond ticks a second
TIME_GRACE = 1.0  # seconds of CPU past the job's time limit before Windows ends it (the keeper's poll is first)
OUT_OF_TIME = 1816  # ERROR_NOT_ENOUGH_QUOTA: the exit status of a process ended at the job's time limit
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

    layers = ("jobobject", "jobobject_time")

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
        cpu = int((float(limits["timeout"]) + TIME_GRACE) * TICKS)
        self._set(KILL_ON_JOB_CLOSE | JOB_MEMORY | ACTIVE_PROCESS | JOB_TIME, int(limits["memory_bytes"]),
                  int(limits["max_processes"]) + 1, cpu)

    def _set(self, flags: int, memory_bytes: int = 0, processes: int = 0, user_ticks: int = 0) -> None:
        info = ExtendedLimits()
        info.basic.flags = flags
        info.basic.per_job_user_time = user_ticks  # relative: Windows adds the time the job has used so far
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

    def _accounting(self) -> Accounting:
        info = Accounting()
        self._call("QueryInformationJobObject", self.handle, BASIC_ACCOUNTING, ctypes.byref(info), ctypes.sizeof(info), None)
        return info

    def count(self) -> int:
        return int(self._accounting().active_processes)

    def memory(self) -> int:
        """The job's peak committed memory: at the limit, an allocation has failed (the OS refused it)."""
        info = ExtendedLimits()
        self._call("QueryInformationJobObject", self.handle, EXTENDED_LIMITS, ctypes.byref(info), ctypes.sizeof(info), None)
        return int(info.peak_job_memory_used)

    def over_memory(self, limit: int) -> bool:
        return self.memory() >= limit - 2**20

    def sample(self, memory_limit: int) -> tuple[int, bool, float]:
        """(processes, over the memory limit?, CPU seconds of every process the job has held), as `PsTree.sample`."""
        info = self._accounting()
        return int(info.active_processes), self.over_memory(memory_limit), (info.total_user_time + info.total_kernel_time) / TICKS

    @staticmethod
    def out_of_time(returncode) -> bool:
        """Did Windows end the job at its CPU-time limit?"""
        return returncode == OUT_OF_TIME

    def kill(self) -> None:
        self.k32.TerminateJobObject(self.handle, 137)

    stop = kill  # the whole job at once: as quick as it is thorough

    def close(self) -> None:
        if self.handle:
            handle, self.handle = self.handle, None
            self.k32.CloseHandle(handle)  # kill-on-close: nothing of the job outlives this
