#!/usr/bin/env bash
# Builds the grading image. Gradescope runs this as root once per autograder upload, beside the
# zip's other files (/autograder/source). It installs CPython 3.11 under /opt/autograder-python,
# a virtual environment at /opt/autograder-env holding exactly the zip's requirements.txt, both
# readable by every user (the student's code runs as a user of its own), and ends with the
# environment check. Any failing step stops the build, so a broken image never grades.
#
# Only where things are downloaded from may be changed (the test suite serves local copies):
#   AUTOGRADER_PYTHON_URL     a python-build-standalone "install_only" tarball of CPython 3.11
#                             (default: CPython 3.11.15 of release 20260414 for this machine's
#                             architecture, x86_64 or aarch64, from GitHub)
#   AUTOGRADER_PYTHON_SHA256  the tarball's SHA-256; the build stops on any other (default: the
#                             default tarball's; required with a URL of your own)
#   AUTOGRADER_PACKAGE_INDEX  the package index (PEP 503) every package but torch comes from
#                             (default: https://pypi.org/simple)
#   AUTOGRADER_TORCH_INDEX    the index torch's CPU-only build comes from
#                             (default: https://download.pytorch.org/whl/cpu)
set -euo pipefail

release=https://github.com/astral-sh/python-build-standalone/releases/download/20260414
case "$(uname -m)" in
  x86_64)
    default_url="$release/cpython-3.11.15%2B20260414-x86_64-unknown-linux-gnu-install_only.tar.gz"
    default_sha256=8b14030dd3af9ea7f7c51b4c90feb04afd8a8f45435727e67b875270bd08f3bc ;;
  aarch64|arm64)
    default_url="$release/cpython-3.11.15%2B20260414-aarch64-unknown-linux-gnu-install_only.tar.gz"
    default_sha256=77836944ae15b74e0b25bdc68a4703a340f2ccb684effc0f45fbd7910e1a1f39 ;;
  *)
    default_url="" default_sha256="" ;;
esac
if [ -n "${AUTOGRADER_PYTHON_URL:-}" ] && [ -z "${AUTOGRADER_PYTHON_SHA256:-}" ]; then
  echo "setup.sh: AUTOGRADER_PYTHON_URL is set without AUTOGRADER_PYTHON_SHA256" >&2
  exit 1
fi
python_url="${AUTOGRADER_PYTHON_URL:-$default_url}"
python_sha256="${AUTOGRADER_PYTHON_SHA256:-$default_sha256}"
if [ -z "$python_url" ]; then
  echo "setup.sh: no default Python for $(uname -m): set AUTOGRADER_PYTHON_URL and AUTOGRADER_PYTHON_SHA256" >&2
  exit 1
fi
package_index="${AUTOGRADER_PACKAGE_INDEX:-https://pypi.org/simple}"
torch_index="${AUTOGRADER_TORCH_INDEX:-https://download.pytorch.org/whl/cpu}"
source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python_dir=/opt/autograder-python
environment=/opt/autograder-env
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# What this script runs that a base image may lack: curl, CA certificates, and libseccomp
# (pyseccomp loads it for the sandbox's seccomp filter). apt runs only if one is missing.
missing=()
command -v curl >/dev/null || missing+=(curl)
[ -e /etc/ssl/certs/ca-certificates.crt ] || missing+=(ca-certificates)
ldconfig -p | grep 'libseccomp\.so\.2 ' >/dev/null || missing+=(libseccomp2)
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  rm -rf /var/lib/apt/lists/*
fi

# The student's code runs as its own unprivileged user (uid 64000; the grader takes 64000 + n
# for concurrent gradings, so the name is only for ps and the like). The uid lies above the
# usual range of system users: SYS_UID_MAX is raised for this one call, which would warn.
id autograder-student >/dev/null 2>&1 || \
  useradd --system --uid 64000 -K SYS_UID_MAX=64000 --no-create-home --shell /usr/sbin/nologin \
    autograder-student

# Python, checked against its SHA-256 before anything of it runs.
curl --fail --silent --show-error --location --retry 3 --output "$work/python.tar.gz" "$python_url"
if ! echo "$python_sha256  $work/python.tar.gz" | sha256sum --check --status; then
  echo "setup.sh: $python_url does not have the SHA-256 $python_sha256" >&2
  exit 1
fi
mkdir -p "$python_dir"
tar --extract --gzip --file "$work/python.tar.gz" --directory "$python_dir" --strip-components 1 --no-same-owner
"$python_dir/bin/python3" -m venv "$environment"

# Exactly the pinned distributions, as wheels (nothing is compiled), none pulling in anything
# unlisted; torch from its own index only, every other package from the package index only.
# --isolated and PIP_CONFIG_FILE=/dev/null: no pip configuration of the machine applies.
grep -E '^torch==' "$source_dir/requirements.txt" > "$work/torch.txt"
grep -vE '^torch==' "$source_dir/requirements.txt" > "$work/others.txt"
pip=(env PIP_CONFIG_FILE=/dev/null "$environment/bin/python" -m pip --isolated --no-cache-dir
     --disable-pip-version-check)
"${pip[@]}" install --no-deps --only-binary=:all: --index-url "$torch_index" --requirement "$work/torch.txt"
"${pip[@]}" install --no-deps --only-binary=:all: --index-url "$package_index" --requirement "$work/others.txt"
"${pip[@]}" check
chmod -R a+rX,go-w "$python_dir" "$environment"

# Stop here unless every distribution is there at its pinned version, every module a grading
# imports imports, and the student's user can read the environment. The engine's package is
# autograder/grading_runtime/ beside this script, as in the zip.
"$environment/bin/python" -I -c 'import sys; sys.path.insert(0, sys.argv[1])
from autograder.grading_runtime import environment_check
sys.exit(environment_check.main())' "$source_dir"
