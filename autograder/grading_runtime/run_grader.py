"""Grade submissions with this zip: ``python -I run_grader.py --gradescope`` on Gradescope,
or with jobs on standard input (see ``grading_runtime/batch.py``).

This file sits at the root of autograder.zip, beside the ``autograder`` package (the
engine, the checks) and ``reference`` (the numbers), and finds them from its own location,
so it runs unchanged on Gradescope (/autograder/source/run_grader.py) and in any local copy
of the zip. Run it with ``-I``:
then Python puts neither the current folder nor this one on the import path by itself, and
no module a submission brings along can be imported in its place.
"""

import os
import sys
from pathlib import Path

SOURCE = Path(__file__).resolve().parent
sys.path.insert(0, str(SOURCE))
# The zip's own modules only: where the toolkit is also installed for development (an editable
# install's import hook), it would fill in any module the zip lacks from the project's
# checkout, and a zip that cannot grade on Gradescope would grade here.
sys.meta_path[:] = [finder for finder in sys.meta_path
                    if not getattr(finder, "__module__", "").startswith("__editable__")]

from autograder.grading_runtime.settings import ENGINE_ENVIRONMENT  # noqa: E402  (stdlib only)

# Before numpy and torch load (see ENGINE_ENVIRONMENT): one thread each, few malloc arenas.
for variable, value in ENGINE_ENVIRONMENT.items():
    os.environ.setdefault(variable, value)

from autograder.grading_runtime.batch import main  # noqa: E402

sys.exit(main(sys.argv[1:], SOURCE))
