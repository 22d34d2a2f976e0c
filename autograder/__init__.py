"""Build, check and grade the course's otter-grader assignments.

The stages, each in its own module:

* :mod:`autograder.catalog`   where assignments and their outputs live;
* :mod:`autograder.split`     split a master notebook with ``otter assign``;
* :mod:`autograder.checker_cell` make the student notebook carry its public tests;
* :mod:`autograder.reproducible` byte-for-byte stable notebooks and zips;
* :mod:`autograder.package`   the grader version: solution notebook and ``autograder.zip``;
* :mod:`autograder.answers`   put answers into a student notebook (samples, test corpora);
* :mod:`autograder.build`     the whole build, and the staleness check;
* :mod:`autograder.grade`     grade submissions through otter's own runner;
* :mod:`autograder.gradescope` the one module that knows Gradescope's results format;
* :mod:`autograder.report`    ``grades.csv`` and the summary table;
* :mod:`autograder.cli`       the ``autograder`` command.

:mod:`autograder.hidden_checks` is the code behind the hidden tests; it ships inside the zip.
"""
