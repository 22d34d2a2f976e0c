"""Grade submissions with this zip: ``python -I run_grader.py --gradescope`` on Gradescope,
or with jobs on standard input (see ``grading_runtime/batch.py``).

This file sits at the root of autograder.zip, beside the ``autograder`` package (the
engine, the checks) and ``reference`` (the numbers), and finds them from its own location, so it runs unchanged on Gradescope
(/autograder/source/run_grader.py) and in any local copy of the zip. Run it with ``-I``:
then Python puts neither the current folder nor this one on the import path by itself, and
no module a submission brings along can be imported in its place.
"""

import os
import sys
from pathlib import Path

# Before numpy and torch load: one thread each. Student processes are forked from this one,
# and a fork after a thread pool has started is not safe; one thread also keeps memory small.
for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(variable, "1")
os.environ.setdefault("MALLOC_ARENA_MAX", "2")

SOURCE = Path(__file__).resolve().parent
sys.path.insert(0, str(SOURCE))

from autograder.grading_runtime.batch import main  # noqa: E402

sys.exit(main(sys.argv[1:], SOURCE))
