"""The grading engine: what runs on Gradescope, and in every local grading.

The build ships this package inside ``autograder.zip`` (as ``grading_runtime/``), with
``run_grader.py``, ``run_autograder`` and ``setup.sh`` from this folder at the zip's root,
so the code that grades a submission locally is byte for byte the code Gradescope runs. It
imports nothing from the rest of the toolkit.

Two kinds of process: the *judge*, which holds the tests, the checks and the reference
numbers and writes the results; and the *student process*, sandboxed, which runs the
notebook and answers the judge's requests with plain data.

* :mod:`.settings`    the limits, one described schema;
* :mod:`.submission`  find and vet the submitted notebook, pick the cells to run;
* :mod:`.questions`   the questions and test cases, read from the zip's test files;
* :mod:`.wire`        the channel's format: plain data, never code;
* :mod:`.sandbox`     start, limit and end student processes, and record how;
* :mod:`.student`     what the student process runs: cells, then requests;
* :mod:`.probes`      inspections of student objects that answer with plain data;
* :mod:`.remote`      the judge's side: the session and the proxies tests receive;
* :mod:`.judge`       grade one submission, from the notebook to results.json;
* :mod:`.results`     the typed grading and Gradescope's format, the only module that knows it;
* :mod:`.batch`       the warm parent: one torch import, a forked judge per submission;
* :mod:`.environment_check` the grading image's last build step.
"""
