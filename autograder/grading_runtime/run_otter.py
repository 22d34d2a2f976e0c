"""Grade the submission in ../submission into ../results/results.json (Gradescope's layout).

This file sits at the root of autograder.zip, beside the grading_runtime package; it finds
the autograder folder from its own location, so it runs unchanged on Gradescope
(/autograder/source/run_otter.py) and in a local copy of that tree.
"""

import sys
from pathlib import Path

SOURCE = Path(__file__).resolve().parent
sys.path.insert(0, str(SOURCE))

from grading_runtime.entry import main  # noqa: E402

sys.exit(main(SOURCE.parent))
