#!/usr/bin/env bash
# Builds the grading image on Gradescope, once per autograder upload. Any failing step stops
# the build, so a missing or mismatched package is reported here, not at grading time.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

apt-get update
apt-get install -y --no-install-recommends wget ca-certificates bzip2

case "$(uname -m)" in
  aarch64|arm64) installer=Miniforge3-Linux-aarch64.sh ;;
  *) installer=Miniforge3-Linux-x86_64.sh ;;
esac
wget -nv "https://github.com/conda-forge/miniforge/releases/download/25.3.1-0/$installer" \
  -O /tmp/miniforge.sh
bash /tmp/miniforge.sh -b -p /root/miniforge3

# Python, otter-grader and, from PyTorch's CPU index, the pinned torch and numpy.
/root/miniforge3/bin/mamba env create -y -f /autograder/source/environment.yml

# Stop here unless every package imports, at the versions that made the reference numbers.
cd /autograder/source
/root/miniforge3/envs/otter-env/bin/python -m grading_runtime.environment_check
