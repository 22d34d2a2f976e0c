"""Build, check and grade the course's otter-grader assignments.

The stages, each in its own module:

* :mod:`autograder.catalog`   where assignments and their outputs live;
* :mod:`autograder.split`     split a master notebook with ``otter assign``;
* :mod:`autograder.checker_cell` make the student notebook carry its public tests and checks;
* :mod:`autograder.reproducible` byte-for-byte stable notebooks and zips;
* :mod:`autograder.package`   the grader version: solution notebook and ``autograder.zip``;
* :mod:`autograder.answers`   put answers into a student notebook (samples, test corpora);
* :mod:`autograder.leaks`     the leak rule: no line of the solution in the student release;
* :mod:`autograder.build`     the whole build, and the staleness check;
* :mod:`autograder.scaffold`  ``autograder new``: an assignment that builds and grades at once;
* :mod:`autograder.grade`     grade submissions with the zip's own engine, many at a time;
* :mod:`autograder.submitters` who submitted what, from a Gradescope export's metadata;
* :mod:`autograder.analysis`  what the class got wrong, per question and test; item analysis;
* :mod:`autograder.report`    ``grades.csv``, feedback files, the table and the class report;
* :mod:`autograder.errors`    the errors a user must act on, with their remedies;
* :mod:`autograder.cli`       the ``autograder`` command.

Two packages ship inside ``autograder.zip``, under these same names, and import nothing
from the rest of the toolkit: :mod:`autograder.grading_runtime`, the grading engine that
runs on Gradescope and in every local grading, and :mod:`autograder.checks`, the code
behind every test (its public part also travels in the student's notebook). This file
ships with them, so it imports nothing.
"""
