#!/usr/bin/env bash
# Builds the grading image on Gradescope, once per autograder upload. Any failing step stops
# the build, so a missing or mismatched package is reported here, not at grading time.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

apt-get update
apt-get install -y --no-install-recommends wget ca-certificates bzip2 libseccomp2

# The student's code runs as its own unprivileged user (uid 64000; the grader takes 64000 +
# n for concurrent gradings, so the name is only for ps and the like).
id autograder-student >/dev/null 2>&1 || \
  useradd --system --uid 64000 --no-create-home --shell /usr/sbin/nologin autograder-student

case "$(uname -m)" in
  aarch64|arm64) installer=Miniforge3-Linux-aarch64.sh ;;
  *) installer=Miniforge3-Linux-x86_64.sh ;;
esac
wget -nv "https://github.com/conda-forge/miniforge/releases/download/25.3.1-0/$installer" \
  -O /tmp/miniforge.sh
# Under /opt, not /root: the student's user must be able to read the Python it runs on.
bash /tmp/miniforge.sh -b -p /opt/miniforge3
/opt/miniforge3/bin/mamba env create -y -p /opt/autograder-env -f /autograder/source/environment.yml
chmod -R a+rX /opt/miniforge3 /opt/autograder-env

# Stop here unless every package imports, at the versions that made the reference numbers.
cd /autograder/source
/opt/autograder-env/bin/python -I -c "import sys; sys.path.insert(0, '.'); from grading_runtime import environment_check; sys.exit(environment_check.main())"
