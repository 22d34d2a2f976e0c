"""The grading runtime: what runs on Gradescope, and in every local grading run.

The build ships this package inside ``autograder.zip`` (as ``grading_runtime/``) together
with ``run_autograder``, ``setup.sh`` and ``run_otter.py`` from this folder, so the code
that grades a submission locally is byte for byte the code Gradescope runs. It imports
nothing from the rest of the toolkit.

* :mod:`.settings`    the time, memory and output limits, one described schema;
* :mod:`.submission`  find and vet the submitted notebook before anything runs;
* :mod:`.safeguards`  limits put around otter's runner and the notebook's kernel;
* :mod:`.results`     Gradescope's results format, the only module that knows it;
* :mod:`.entry`       the entry point: always writes a results file, whatever happens;
* :mod:`.environment_check` the grading image's last build step.
"""
