"""Run the real Alembic command line with sorted version-directory listings.

Alembic builds its revision map in ``os.listdir()`` order, which depends on the
file system (ext4 hash order, ...).  miglint reads the files of a versions
directory in sorted name order, so the reference output is Alembic's output
with the listing sorted.  This wrapper patches
``alembic.script.base.Script._list_py_dir`` accordingly and then behaves like
the ``alembic`` command:

    python3 alembic_sorted.py -c path/to/alembic.ini heads --verbose

Batch mode runs many commands in one process (Alembic's start-up costs ~0.3 s
per process), capturing each command's stdout, stderr and exit status:

    python3 alembic_sorted.py --batch jobs.json

``jobs.json`` holds a list of argument lists (each as for ``alembic``, with an
absolute ``-c`` path); the result, a JSON list of
``{"stdout": ..., "stderr": ..., "rc": ...}`` in the same order, goes to stdout.
"""

import io
import json
import os
import sys
import traceback
import warnings


class _SwitchableStream(io.TextIOBase):
    """A text stream whose target can be swapped while Alembic holds on to it.

    ``alembic.config.Config`` binds ``sys.stdout`` as a default argument at
    import time, so the capture has to happen behind the object it binds.
    """

    def __init__(self, target):
        super().__init__()
        self.target = target

    @property
    def encoding(self):
        return "utf-8"

    def writable(self):
        return True

    def write(self, text):
        return self.target.write(text)

    def flush(self):
        self.target.flush()

    def isatty(self):
        return False


def _patch_listing():
    from alembic.script import base

    original = base.Script._list_py_dir.__func__

    def _sorted_list_py_dir(cls, scriptdir, path):
        return sorted(original(cls, scriptdir, path))

    base.Script._list_py_dir = classmethod(_sorted_list_py_dir)


def _exit_status(code):
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    return 1


def _run_batch(jobs_path):
    real_stdout = sys.stdout
    out = _SwitchableStream(io.StringIO())
    err = _SwitchableStream(io.StringIO())
    sys.stdout = out
    sys.stderr = err
    warnings.simplefilter("always")

    import alembic.config

    _patch_listing()

    with open(jobs_path, encoding="utf-8") as f:
        jobs = json.load(f)
    results = []
    for argv in jobs:
        out.target = io.StringIO()
        err.target = io.StringIO()
        rc = 0
        try:
            alembic.config.main(argv=list(argv), prog="alembic")
        except SystemExit as e:
            rc = _exit_status(e.code)
        except BaseException:  # a traceback, as the real command would print
            traceback.print_exc(file=err)
            rc = 1
        results.append(
            {
                "stdout": out.target.getvalue(),
                "stderr": err.target.getvalue(),
                "rc": rc,
            }
        )
    sys.stdout = real_stdout
    json.dump(results, real_stdout)
    real_stdout.write("\n")
    real_stdout.flush()
    return 0


def main(argv):
    sys.dont_write_bytecode = True
    if argv[:1] == ["--batch"]:
        return _run_batch(argv[1])
    import alembic.config

    _patch_listing()
    alembic.config.main(argv=argv, prog="alembic")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    sys.exit(main(sys.argv[1:]))
