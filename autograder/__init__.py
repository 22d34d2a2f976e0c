"""Build, check and grade the course's otter-grader assignments.

The stages, each in its own module:

* :mod:`autograder.catalog`   where assignments and their outputs live;
* :mod:`autograder.split`     split a master notebook with ``otter assign``;
* :mod:`autograder.checker_cell` make the student notebook carry its public tests;
* :mod:`autograder.reproducible` byte-for-byte stable notebooks and zips;
* :mod:`autograder.package`   the grader version: solution notebook and ``autograder.zip``;
* :mod:`autograder.answers`   put answers into a student notebook (samples, test corpora);
* :mod:`autograder.build`     the whole build, and the staleness check;
* :mod:`autograder.grade`     grade submissions in Gradescope's layout, many at a time;
* :mod:`autograder.report`    ``grades.csv``, feedback files, the table and the report;
* :mod:`autograder.cli`       the ``autograder`` command.

Two packages ship inside ``autograder.zip`` and import nothing from the rest:
:mod:`autograder.grading_runtime` runs on Gradescope (and in every local grading), and
:mod:`autograder.hidden_checks` is the code behind the hidden tests.
"""
