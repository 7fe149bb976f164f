"""macOS: what a learner's process needs from the system under a `(deny default)` Seatbelt profile, as data.

`grader.isolation.seatbelt` renders these into the profile; nothing here names a course's or a
learner's path (those travel as -D parameters). Each entry says why it is there. The lists follow
the well-kept profiles that run untrusted code on developer Macs: OpenAI Codex CLI's
`seatbelt_base_policy.sbpl` and `seatbelt_platform_defaults.sbpl` (themselves drawn from Chromium's
`common.sb`), and Chromium's GPU profile for what Metal (torch's `mps` device) needs.
NONE OF THIS RAN ON A MAC: the names are taken from those profiles, not from a trace of a check,
so a Mac may show a denial we did not foresee (`log stream --predicate 'sender=="Sandbox"'`).
"""

from __future__ import annotations

# Read (and map as code) whole: the dynamic loader's shared cache, Apple's frameworks, the C and C++
# libraries, time zones. Package managers' library folders: a Homebrew or MacPorts Python links its
# own libffi, OpenSSL, mpdecimal from there.
SYSTEM_READ = ("/System", "/usr/lib", "/usr/share", "/Library/Apple", "/private/var/db/timezone",
               "/opt/homebrew/opt", "/opt/homebrew/Cellar", "/opt/homebrew/lib",
               "/usr/local/opt", "/usr/local/Cellar", "/usr/local/lib", "/opt/local/lib")
SYSTEM_EXECUTABLE_MAPS = ("/System/Library/Frameworks", "/System/Library/PrivateFrameworks", "/System/Library/SubFrameworks",
                          "/System/Library/Extensions", "/Library/Apple/System/Library/Frameworks",
                          "/Library/Apple/System/Library/PrivateFrameworks", "/Library/Apple/usr/lib", "/usr/lib",
                          "/opt/homebrew/opt", "/opt/homebrew/Cellar", "/opt/homebrew/lib",
                          "/usr/local/opt", "/usr/local/Cellar", "/usr/local/lib", "/opt/local/lib")
# Single files: the local time (time.localtime), users and groups (pwd, grp, getpass), the root folder.
SYSTEM_FILES = ("/", "/private/etc/localtime", "/private/etc/passwd", "/private/etc/group")
# Character devices: read/written (/dev/null, /dev/zero), read (randomness: os.urandom, torch's seed),
# and dyld's DTrace helper, which it opens in every process where it exists.
DEVICES_READ_WRITE = ("/dev/null", "/dev/zero", "/dev/dtracehelper")
DEVICES_READ = ("/dev/random", "/dev/urandom")
DEVICE_FD_FOLDER = "/dev/fd"  # subprocess lists it to close inherited descriptors

# sysctl names read by libSystem at start-up, uname() (os.uname, platform), os.cpu_count,
# os.sysconf, os.getloadavg, and by torch's cpuinfo, OpenMP and Accelerate sizing their thread
# pools and picking kernels (CPU counts, cache sizes, feature flags).
SYSCTL_PREFIXES = ("hw.", "machdep.cpu.", "kern.proc.pid.")  # kern.proc.pid.*: facts about a process by pid (the sandbox limits whose)
SYSCTL_NAMES = ("kern.argmax", "kern.hostname", "kern.maxfiles", "kern.maxfilesperproc", "kern.maxproc",
                "kern.osproductversion", "kern.osrelease", "kern.ostype", "kern.osvariant_status", "kern.osversion",
                "kern.secure_kernel", "kern.usrstack64", "kern.version", "sysctl.proc_cputype", "vm.loadavg")

# Mach services the process may look up, each with why.
MACH_SERVICES = (
    ("com.apple.system.opendirectoryd.libinfo", "getpwuid()/getgrgid(): pwd, grp, getpass.getuser, expanduser('~name')"),
    ("com.apple.system.notification_center", "notify(3): libc's localtime() watches for time zone changes"),
    ("com.apple.bsd.dirhelper", "confstr(_CS_DARWIN_USER_CACHE_DIR): Metal finds its shader cache folder (writes there stay denied)"),
    ("com.apple.cfprefsd.daemon", "CoreFoundation preferences, read when Metal and Accelerate initialise"),
    ("com.apple.cfprefsd.agent", "the same, per user"),
    ("com.apple.gpumemd.source", "Metal: GPU memory accounting (torch's mps device; Chromium's GPU profile)"),
    ("com.apple.cvmsServ", "Metal/OpenGL: the compiled-shader cache service (Chromium's GPU profile)"),
)
XPC_SERVICES = (("com.apple.MTLCompilerService", "Metal compiles the kernels of torch's mps device in this service"),)
# IOKit user clients opened by Metal to reach the GPU (torch's mps device), after Chromium's GPU profile.
IOKIT_CONNECTIONS = ("IOAccelerator",)
IOKIT_USER_CLIENTS = ("AGXDeviceUserClient", "IOSurfaceRootUserClient", "AGPMClient", "AppleGraphicsControlClient")

# Operations allowed without a filter, each with why. Everything else is denied by `(deny default)`:
# network (outbound, inbound, bind), writes outside the job folder, exec of anything but Python,
# mach services not listed, sysctl writes, iokit clients not listed, signals and process
# information of processes outside this sandbox.
UNFILTERED = (
    ("process-fork", "the learner's code may start processes (DataLoader workers); the keeper counts and kills the tree"),
    ("file-read-metadata", "stat() on any path: path resolution walks every ancestor; contents stay shut, and the "
                           "course's forbidden paths are denied even this, further down"),
    ("file-test-existence", "access(F_OK) on any path, as stat()"),
    ("user-preference-read", "CoreFoundation preferences (Metal, Accelerate), through cfprefsd"),
    ("ipc-posix-sem", "multiprocessing's locks and queues (SemLock)"),
    ("ipc-posix-shm", "torch shares DataLoader workers' tensors through POSIX shared memory"),
    ("mach-host*", "host_info()/host_statistics(): CPU and memory facts for OpenMP and Accelerate"),
    ("iokit-get-properties", "Metal enumerates GPUs by reading registry properties (read-only)"),
)
SAME_SANDBOX = ("signal", "process-info*")  # only towards processes of this sandbox (the job's own tree)
