"""Hostile submissions for exercise 01, grouped by the class of attack they try (issue 12's list).

Each is a learner file: `base` ("ref": the reference solution, "stub": the untouched stub, or
"alone") followed by a snippet. Placeholders in a snippet: {reference} (the reference
solution's path), {checks} (the checks module's), {state} (the course's progress folder),
{mark} (a statement that names the process it runs in `ptt-leftover`, so the test can find it), {other} (another student's
file), {port} (a TCP port the test listens on), {sock} (a unix socket it listens on). A stub-based attack that succeeded would exec
the stolen reference and pass; when the wall holds, it fails as "not implemented yet".
Status "refused": the submission is not run at all (a usage error for `check`, an error entry
in a class's gradebook), with `reason` in the message.

After CASES come cases that are not files for 01: a class's bookkeeping (hard links, long and
formula names), strings for the front ends (tests/test_markup.py), and files for 08 that reach a
forbidden built-in around the spy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

STEAL = ("\ntry:\n    stolen = {how}\nexcept BaseException as exc:\n    print('blocked:', type(exc).__name__)\nelse:\n"
         "    print('STOLEN')\n    exec(stolen) if isinstance(stolen, str) else None\n")


@dataclass(frozen=True)
class Case:
    id: str
    snippet: str
    status: str  # "error" (not graded), "failed", "passed" (harmless, must still clean up)
    reason: str  # must appear in what the learner is told
    base: str = "ref"
    limits: dict = field(default_factory=dict)
    needs: tuple = ()  # OS layers that must be in force, else the case is skipped
    output: str = ""  # must appear in what the learner's code printed
    suffix: str = ".py"  # ".ipynb": the source is the one code cell of a notebook


def steal(case_id: str, how: str, needs: tuple, setup: str = "") -> Case:
    return Case(case_id, setup + STEAL.format(how=how), "failed", "not implemented yet", "stub", needs=needs, output="blocked")


def redefine(name: str, body: str) -> str:
    return f"\n\ndef {name}(*args):\n" + "".join(f"    {line}\n" for line in body.splitlines())


FORGE = "import os\nfrom grader.judging.channel import frame, pack\n"
SEND = "def send(data):\n    view = memoryview(data)\n    while view:\n        view = view[os.write(3, view[:65536]):]\n"
# 6 forks a generation, 5 generations (6**5 leaves): every fork past the cap fails and is ignored
BOMB = ("import os, time\nfor _ in range(5):\n    for _ in range(6):\n        try:\n            if os.fork() == 0:\n                break\n"
        "        except OSError:\n            pass\n    else:\n        break\nwhile True:\n    pass\n")
FILL = ("import torch\nfor folder in ('/tmp', '/dev/shm'):\n    try:\n        with open(folder + '/fill', 'wb') as f:\n"
        "            for _ in range(2048):\n                f.write(b'x' * 2**20)\n    except OSError as exc:\n        print('full:', folder)\n"
        "keep = torch.ones(600 * 2**20 // 4)  # 600 MiB: under the limit alone, over it with the files\nimport time\ntime.sleep(60)\n")
# A classmate's file starts with CLASSMATE_MARKER; SCAN_OWN_MEMORY looks for it in every writable mapping of its own
# process (/proc/self/maps, ctypes) and raises, quoting it, where it finds it (the needle is made in two parts and
# must follow "# ", so the scanning code's own text and objects are not taken for it).
CLASSMATE_MARKER = "# CLASSMATE" + "_SECRET_SOURCE"
CLASSMATE_FOUND = "found a classmate's source in my memory"
SCAN_OWN_MEMORY = """import ctypes
def _scan(needle=b"CLASSMATE" + b"_SECRET_SOURCE"):
    for line in open("/proc/self/maps").read().splitlines():
        span, perms = line.split()[:2]
        lo, hi = (int(x, 16) for x in span.split("-"))
        if perms.startswith("rw") and hi - lo <= 512 * 2**20:
            data = ctypes.string_at(lo, hi - lo)
            at = data.find(needle)
            while at >= 0:
                if data[at - 2:at] == b"# ":
                    raise RuntimeError("%s: " + data[at - 2:at + 40].decode(errors="replace"))
                at = data.find(needle, at + 1)
_scan()
""" % CLASSMATE_FOUND
REFERENCE_TEXT = (Path(__file__).resolve().parent.parent / "reference" / "01_tensors" / "solution.py").read_text()
CASES = [
    Case("0_loop_forever", redefine("zeros_and_ones", "while True:\n    pass"), "error", "time limit: your code was still running after 2 s (it was at line", limits={"timeout": 2}),
    Case("0_long_torch_op", redefine("matmul_reshape", "a = torch.ones(9000, 9000)\nfor _ in range(100):\n    a = a @ a"), "error", "time limit", limits={"timeout": 2}),
    Case("0_sleep_forever", "import time\ntime.sleep(10**6)\n", "error", "time limit: your code was still running after 2 s", limits={"timeout": 2}),
    Case("0_signals_ignored", "import signal\nfor s in (signal.SIGALRM, signal.SIGTERM, signal.SIGINT, signal.SIGUSR1):\n    signal.signal(s, signal.SIG_IGN)\nwhile True:\n    pass\n", "error", "time limit", limits={"timeout": 2}),
    Case("0_input_has_no_keyboard", redefine("tensor_from_list", "return input('number? ')"), "failed", "your code raised EOFError"),
    # 0. limits and plain breakage: memory: resident memory of the whole tree, polled from outside
    Case("0_memory_grows", "import torch\nkeep = []\nwhile True:\n    keep.append(torch.ones(64 * 2**20 // 4))\n", "error", "memory limit: your code used more than 1 GiB", limits={"memory_bytes": 2**30}),
    Case("0_memory_in_children", "import os, time, torch\nfor _ in range(4):\n    if os.fork() == 0:\n        x = torch.ones(100 * 2**20)\n        time.sleep(60)\n        os._exit(0)\ntime.sleep(60)\n", "error", "memory limit", limits={"memory_bytes": 2**30}),
    # 0. limits and plain breakage: exits and crashes: exit status 0 never counts
    Case("0_sys_exit_at_import", "import sys\nsys.exit(0)\n", "error", "your code called sys.exit(0)"),
    Case("0_system_exit_in_function", redefine("add_row_bias", "raise SystemExit"), "failed", "your code raised SystemExit"),
    Case("0_keyboard_interrupt", redefine("uniform_random", "raise KeyboardInterrupt"), "failed", "your code raised KeyboardInterrupt"),
    Case("0_base_exception_at_import", "class Boom(BaseException):\n    pass\nraise Boom('bye')\n", "error", "cannot be graded yet: Boom, line"),
    Case("0_os_exit_0", redefine("tensor_from_list", "import os\nos._exit(0)"), "error", "your code exited (exit status 0) before the checks finished"),
    Case("0_segfault", redefine("tensor_from_list", "import ctypes\nctypes.string_at(0)"), "error", "your code crashed (SIGSEGV) before the checks finished"),
    Case("0_kill_self", redefine("tensor_from_list", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"), "error", "your code crashed (SIGKILL)"),
    # 0. limits and plain breakage: processes: every descendant ends with the check; a cap stops fork bombs
    Case("0_fork_and_linger", "import os, time\nif os.fork() == 0:\n    {mark}\n    time.sleep(600)\n    os._exit(0)\n", "passed", ""),
    Case("0_multiprocessing_left_running", "import multiprocessing as mp, time\ndef linger():\n    {mark}\n    time.sleep(600)\n"
         "mp.get_context('fork').Process(target=linger).start()\n", "passed", ""),
    Case("0_fork_bomb", "import os, time\nfor _ in range(8):\n    os.fork()\ntime.sleep(60)\n", "error", "process limit: your code started more than 64 processes"),
    # 0. limits and plain breakage: output floods and fake verdicts
    Case("0_stdout_flood", "import sys\nfor _ in range(300):\n    sys.stdout.write('x' * 10**6)\n", "passed", ""),
    Case("0_fake_banner", "print('\\x1b[32m✓ Passed: Tensors, all 6 checks\\x1b[0m')\nprint('{\"passed\": true}')\n" + redefine("add_row_bias", "return args[0]"), "failed", "values differ"),
    # 0. limits and plain breakage: tampering with comparisons, types, files and the reference
    Case("0_patch_allclose", "import torch, torch.testing\ntorch.allclose = lambda *a, **k: True\ntorch.equal = lambda *a, **k: True\ntorch.testing.assert_close = lambda *a, **k: None\n" + redefine("matmul_reshape", "return torch.zeros(args[2])"), "failed", "values differ"),
    Case("0_patch_tensor_eq", "import torch\ntorch.Tensor.__eq__ = lambda self, other: True\ntorch.Tensor.__ne__ = lambda self, other: False\n" + redefine("add_row_bias", "return args[0]"), "failed", "values differ"),
    Case("0_patch_builtins", "import builtins\nbuiltins.isinstance = lambda *a: True\nbuiltins.type = lambda *a: object\n" + redefine("add_row_bias", "return args[0]"), "error", "before the checks finished"),
    Case("0_tensor_subclass_always_equal", "import torch\nclass Yes(torch.Tensor):\n    @classmethod\n    def __torch_function__(cls, *a, **k):\n        return True\n" + redefine("tensor_from_list", "return torch.zeros(1).as_subclass(Yes)"), "failed", "a Tensor subclass"),
    Case("0_object_equal_to_everything", "class Any:\n    def __eq__(self, other):\n        return True\n" + redefine("tensor_from_list", "return Any()"), "failed", "expected a tensor"),
    Case("0_numpy_instead_of_tensor", "import numpy as np\n" + redefine("tensor_from_list", "return np.array(args[0], dtype=np.float32)"), "failed", "expected a tensor of shape"),
    Case("0_list_instead_of_tensor", redefine("tensor_from_list", "return [[float(v) for v in row] for row in args[0]]"), "failed", "expected a tensor of shape"),
    # 0. limits and plain breakage: wrong but close
    Case("0_broadcastable_shape", redefine("matmul_reshape", "return (args[0] @ args[1]).sum()"), "failed", "shape differs"),
    Case("0_nan_values", redefine("add_row_bias", "return args[0] + args[1] * float('nan')"), "failed", "your result contains NaN"),
    Case("0_inf_values", redefine("add_row_bias", "return args[0] + args[1] * float('inf')"), "failed", "values differ"),
    Case("0_float64", redefine("tensor_from_list", "return torch.tensor(args[0], dtype=torch.float64)"), "failed", "dtype differs: expected torch.float32, got torch.float64"),
    Case("0_meta_device", redefine("tensor_from_list", "return torch.tensor(args[0], dtype=torch.float32).to('meta')"), "failed", "device differs: expected cpu, got meta"),
    Case("0_needless_requires_grad", redefine("tensor_from_list", "return torch.tensor(args[0], dtype=torch.float32, requires_grad=True)"), "failed", "requires_grad differs"),
    # 0. limits and plain breakage: code that cannot be graded yet
    Case("0_syntax_error", "def tensor_from_list(data)\n    return data\n", "error", "cannot be graded yet: SyntaxError, line 1", base="alone"),
    Case("0_missing_function", REFERENCE_TEXT.split("def add_row_bias")[0], "failed", "`add_row_bias` is not defined in your file", base="alone"),
    Case("0_import_error", "import torchvision_not_installed_here\n", "error", "cannot be graded yet: ModuleNotFoundError, line"),
    # 0. limits and plain breakage: global state changed by learner code stays in the learner's process
    Case("0_global_state", "import torch\ntorch.set_grad_enabled(False)\ntorch.manual_seed(123)\ntorch.Tensor.sum = lambda *a, **k: 0\n", "passed", ""),
    Case("0_default_dtype_float64", "import torch\ntorch.set_default_dtype(torch.float64)\n", "failed", "dtype differs"),

    # 1. the learner decides what is compared: nothing it sends is believed
    Case("1_encoder_drops_data", "import grader.judging.encode as e\ne.MAX_NUMEL = -1\n" + redefine("add_row_bias", "return args[0] * 0"),
         "failed", "the values did not come back to be compared"),
    Case("1_packer_sends_nothing", "import grader.judging.channel as c\nreal = c.pack\nc.pack = lambda payload: real({'complete': True, 'outcomes': {}})\n",
         "failed", "not implemented yet", "stub"),  # the worker holds its own reference to the real pack
    Case("1_forged_malformed_results", FORGE + "os.write(3, pack({'complete': True, 'outcomes': {'tensor_from_list': [{'value': {'kind': 'tensor'}}]}}))\nos._exit(0)\n",
         "error", "your code's results could not be read: a tensor is malformed", "stub"),
    Case("1_forged_unknown_check", FORGE + "os.write(3, pack({'complete': True, 'outcomes': {'everything': []}}))\nos._exit(0)\n",
         "error", "a check that does not exist", "stub"),
    Case("1_forged_garbage", "import os\nos.write(3, b'\\xff' * 64)\nos._exit(0)\n", "error", "before the checks finished", "stub"),
    Case("1_no_data_claims_to_match", redefine("tensor_from_list", "import torch\nreturn torch.empty(2, 2, device='meta')"), "failed", "device differs"),
    # 2. nothing reachable from the learner's process behaves like the reference
    Case("2_scavenges_gc", "import gc, types\nnames = ('tensor_from_list', 'tensor_from_numpy', 'zeros_and_ones', 'uniform_random', "
         "'matmul_reshape', 'add_row_bias')\nfound = {o.__name__: o for o in gc.get_objects() if isinstance(o, types.FunctionType) "
         "and o.__name__ in names and o.__code__.co_filename != __file__}\nprint('SCAVENGED:', sorted(found))\nglobals().update(found)\n",
         "failed", "not implemented yet", "stub", output="SCAVENGED: []"),
    Case("2_walks_frames", "import sys\nf, seen = sys._getframe(), set()\nwhile f:\n    seen |= {k for k in f.f_globals if 'solution' in k or 'mistake' in k}\n"
         "    f = f.f_back\nprint('FRAMES:', sorted(seen))\n", "failed", "not implemented yet", "stub", output="FRAMES: []"),
    Case("2_looks_in_sys_modules", "import sys\nprint('MODULES:', sorted(m for m, mod in list(sys.modules.items()) if m.startswith('pytorch_tutor_') "
         "or str(getattr(mod, '__file__', '')).startswith({course_reference!r})))\n",
         "failed", "not implemented yet", "stub", output="MODULES: []"),
    # 3. the audit hook is not the only wall
    steal("3_opens_the_reference", "open({reference!r}).read()", ("landlock",)),
    steal("3_torch_from_file", "bytes(__import__('torch').from_file({reference!r}, size=200, dtype=__import__('torch').uint8).tolist()).decode()", ("landlock",)),
    steal("3_dir_fd", "os.read(os.open(os.path.basename({reference!r}), os.O_RDONLY, dir_fd=os.open(os.path.dirname({reference!r}), os.O_RDONLY)), 10**6).decode()",
          ("landlock",), "import os\n"),
    steal("3_hard_link", "os.link({reference!r}, 'copy.py') or open('copy.py').read()", ("landlock",), "import os\n"),
    steal("3_replaces_the_checks", "os.replace('x.py', {checks!r})", ("landlock",), "import os\nopen('x.py', 'w').write('CHECKS = []')\n"),
    steal("3_ctypes_open", "os.read(_fd(), 10**6).decode()", ("landlock",),
          "import ctypes, os\ndef _fd():\n    fd = ctypes.CDLL(None).open({reference!r}.encode(), 0)\n    if fd < 0:\n        raise PermissionError(fd)\n    return fd\n"),
    Case("3_ctypes_exec", "import ctypes\nargv = (ctypes.c_char_p * 3)(b'/bin/cat', {reference!r}.encode(), None)\n"
         "print('exec refused' if ctypes.CDLL(None).execv(b'/bin/cat', argv) == -1 else 'EXECUTED')\n",
         "failed", "not implemented yet", "stub", needs=("landlock",), output="exec refused"),
    steal("3_reads_other_processes_memory", "_memory()", ("pidns",),
          "import os\ndef _memory():\n    others = [p for p in os.listdir('/proc') if p.isdigit() and int(p) != os.getpid()]\n"
          "    return b''.join(open(f'/proc/{p}/mem', 'rb').read(1) for p in others)\n"),
    steal("3_connects_to_the_graders_socket", "_connect()", ("tmpfs",),
          "import socket\ndef _connect():\n    s = socket.socket(socket.AF_UNIX)\n    s.connect({sock!r})\n    return s\n"),
    steal("3_reads_another_students_file", "open({other!r}).read()", ("landlock",)),
    steal("3_connects_to_the_grader", "socket.create_connection(('127.0.0.1', {port}), timeout=2)", ("netns",), "import socket\n"),
    Case("3_signals_and_limits_the_grader", "import os, resource, signal\nfor pid in (1, os.getppid()):\n    for act in (lambda: os.kill(pid, signal.SIGSTOP), "
         "lambda: resource.prlimit(pid, resource.RLIMIT_NOFILE, (0, 0))):\n        try:\n            act(); print('REACHED', pid)\n        except OSError:\n            pass\n",
         "passed", "", needs=("pidns",)),
    # 4. bounded decoding
    Case("4_deep_json", FORGE + "os.write(3, frame(b'[' * 200000 + b']' * 200000) + frame(b''))\nos._exit(0)\n", "error", "not valid JSON", "stub"),
    Case("4_lying_safetensors", FORGE + "import json, struct\nhead = json.dumps({'t0': {'dtype': 'F32', 'shape': [10**9], 'data_offsets': [0, 4 * 10**9]}}).encode()\n"
         "os.write(3, frame(b'{\"complete\": true, \"outcomes\": {}}') + frame(struct.pack('<Q', len(head)) + head))\nos._exit(0)\n",
         "error", "the tensor data is not valid", "stub"),
    Case("4_colliding_dict_keys", redefine("zeros_and_ones", "return {i * (2**61 - 1): 0 for i in range(3000)}"), "failed", "expected a tuple of 2 items"),
    Case("4_results_flood", redefine("add_row_bias", "return ['x' * 1999] * 10000"), "error", "larger than the grader accepts"),
    Case("4_deeply_nested_result", redefine("add_row_bias", "r = []\nfor _ in range(5000):\n    r = [r]\nreturn r"), "failed", "expected a tensor"),
    # 4. bounded decoding: every learner byte the grader parses is counted before it is built
    Case("4_huge_json_frame", FORGE + SEND + "from grader.judging.channel import MAX_JSON\nsend(frame(b'[' + b'{},' * (MAX_JSON // 3 - 1) + b'{}]') + frame(b''))\nos._exit(0)\n",
         "error", "larger than the grader accepts: more than 100,000 values", "stub"),
    Case("4_huge_safetensors_unreferenced", FORGE + SEND + "import torch\nfrom safetensors.torch import save\n"
         "blob = save({f'x{i}': torch.zeros(2**20) for i in range(7)})\n"
         "send(frame(b'{\"complete\": true, \"outcomes\": {}}') + frame(blob))\nos._exit(0)\n", "failed", "no result came back", "stub"),
    Case("4_huge_notebook_literal", "x = [" + "1," * 1_200_000 + "]\n", "refused", "your notebook's cell 1 is too large to grade (2.4 MB; limit 0.1 MB)",
         "alone", suffix=".ipynb"),
    Case("4_quadratic_regex_in_stderr", "import sys\nsys.stderr.write('File \"' * 170_000)\nsys.stderr.flush()\nwhile True:\n    pass\n",
         "error", "time limit: your code was still running after 3 s", limits={"timeout": 3}),
    # 5. every wait has a deadline
    Case("5_holds_the_pipes_open", "import os, time\nif os.fork() == 0:\n    os.setsid()\n    {mark}\n    time.sleep(600)\n", "passed", "", limits={"timeout": 5}),
    Case("5_sleeps_forever", "import time\ntime.sleep(10**6)\n", "error", "time limit: your code was still running after 2 s", limits={"timeout": 2}),
    # 6. nothing outlives the check
    Case("6_setsid_double_fork", "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        {mark}\n        time.sleep(600)\n"
         "    os._exit(0)\n", "passed", ""),
    Case("6_kills_its_keeper", "import os, signal\nfor pid in (os.getppid(), 1):\n    try:\n        os.kill(pid, signal.SIGKILL)\n    except OSError:\n        pass\n",
         "passed", "", needs=("pidns",)),
    Case("6_orphan_writes_progress_later", "import os, time\nif os.fork() == 0:\n    os.setsid()\n    {mark}\n    time.sleep(3)\n    os.makedirs({state!r}, exist_ok=True)\n"
         "    open(os.path.join({state!r}, 'progress.json'), 'w').write('{{}}')\n    os._exit(0)\n", "passed", ""),
    Case("6_fork_bomb", "import os, time\nfor _ in range(8):\n    os.fork()\ntime.sleep(60)\n", "error", "process limit"),
    Case("6_fork_bomb_of_generations", BOMB, "error", "process limit: your code started more than 64 processes", limits={"timeout": 10}),
    # 8. learner text reaches no terminal raw
    Case("8_escapes_in_an_exception", redefine("add_row_bias", "raise ValueError('\\x1b[32m\u2713 Passed: Tensors\\x1b[0m\\n\u2713 all checks')"),
         "failed", "\\x1b[32m"),
    Case("8_escapes_in_a_repr_and_type", "class Evil:\n    def __repr__(self):\n        return '\\x1b[2J\\x1b[32m\u2713 Passed'\nEvil.__qualname__ = '\\x1b[31mX'\n"
         + redefine("tensor_from_list", "return Evil()"), "failed", "\\x1b[2J"),
    Case("8_escapes_in_the_timeout_frame", "import time\ndef spin():\n    while True:\n        time.sleep(0.01)\n"
         "spin.__code__ = spin.__code__.replace(co_name='\\x1b[32mPASSED\\x1b[0m')\n" + redefine("zeros_and_ones", "spin()"),
         "error", "in \\x1b[32mPASSED", limits={"timeout": 2}),
    Case("8_escapes_in_printed_output", "print('\\x1b[2J\\x1b[32m\u2713 Passed: Tensors, all 6 checks\\x1b[0m\\r\\x1b[A')\n", "passed", "", output="\\x1b[2J"),
    # 9. memory parked outside the process is capped and gone afterwards
    Case("9_parks_memory_in_dev_shm", "try:\n    with open('/dev/shm/parked', 'wb') as f:\n        for _ in range(1536):\n            f.write(b'x' * 2**20)\n"
         "except OSError as exc:\n    print('capped:', exc.errno)\n", "passed", "", limits={"memory_bytes": 2**29}, needs=("tmpfs",), output="capped"),
    Case("9_fills_tmpfs_and_memory", FILL, "error", "of it in files in /tmp and /dev/shm", limits={"memory_bytes": 2**30}, needs=("tmpfs",)),
]

# 10. class bookkeeping (`grade` of a folder, tests/test_adversarial.py): what the gradebook records cannot be tricked
HARD_LINKS = {  # student -> what their 01_tensors.py is a hard link to
    "links_the_reference": "reference/01_tensors/solution.py",
    "links_a_style": "reference/01_tensors/styles/legacy_constructors.py",
    "links_a_mistake": "reference/01_tensors/mistakes/numpy_copied.py",
    "links_a_classmate": "victim",  # another student's folder of this class
}
LONG_NAMES = ("a" * 197 + "x" * 33, "a" * 197 + "y" * 33)  # alike in their first 197 characters
FORMULA_NAMES = ("x;=1+2", "y,=1+2", "z\t=1+2", "=1+2;ok")  # a formula after a separator of some locale

# 11. learner text reaches no front end as markup or raw terminal control (tests/test_markup.py)
MARKUP = ("[/x]", "[link=http://x]a[/link]", "[bold red]loud[/]", "\x1b[2J\x1b[32mPASSED\x1b[0m",
          "\x1b]8;;http://x\x1b\\click\x1b]8;;\x1b\\", "\u202egnp.exe", "nul\x00byte")

# 12. forbid (exercise 08): built-ins reached around the spy are still seen (tests/test_adversarial.py)
FORBID_REFERENCE = (Path(__file__).resolve().parent.parent / "reference" / "08_activations_losses" / "solution.py").read_text()
FORBID_CASES = {  # case -> (the function it replaces in 08's reference, the code appended)
    "12_softmax_from_eval": ("softmax", "softmax = eval('lambda x, dim=-1: torch.softmax(x, dim)')\n"),
    "12_softmax_from_exec": ("softmax", "exec('def softmax(x, dim=-1):\\n    return x.softmax(dim)')\n"),
    "12_softmax_from_aten": ("softmax", "def softmax(x, dim=-1):\n    return torch.ops.aten._softmax(x, dim, False)\n"),
    "12_log_softmax_from_aten": ("log_softmax", "def log_softmax(x, dim=-1):\n    return torch.ops.aten._log_softmax.default(x, dim, False)\n"),
    "12_cross_entropy_from_aten_nll": ("cross_entropy", "def cross_entropy(logits, targets):\n"
                                       "    return torch.ops.aten.nll_loss_forward(log_softmax(logits, 1), targets, None, 1, -100)[0]\n"),
}
