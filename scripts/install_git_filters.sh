#!/usr/bin/env bash
# Define the git filter that .gitattributes applies to notebooks: nbstripout strips outputs,
# execution counts and the metadata a Jupyter session adds (language_info with the Python
# version, widget state, collapsed/scrolled flags) whenever a notebook is staged, so
# `git add` after saving in JupyterLab commits exactly the clean notebook. Cell ids and the
# kernelspec are kept: they are what JupyterLab writes, so opening a notebook changes nothing.
# Usage: scripts/install_git_filters.sh [PYTHON]  (default .venv/bin/python; needs nbstripout)
set -euo pipefail
python="${1:-.venv/bin/python}"
if ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "not a git repository: no notebook filter to install"
  exit 0
fi
python="$(cd "$(dirname "$python")" && pwd)/$(basename "$python")"
"$python" -m nbstripout --version >/dev/null
strip="\"$python\" -m nbstripout --keep-id"
git config filter.nbstripout.clean "$strip"
git config filter.nbstripout.smudge cat
git config filter.nbstripout.required true
git config filter.nbstripout.extrakeys "metadata.language_info cell.metadata.jp-MarkdownHeadingCollapsed"
git config diff.ipynb.textconv "$strip -t"
echo "notebook output filter installed (nbstripout, .gitattributes)"
