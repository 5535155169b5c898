# Sourced by scripts/*: create .venv and install the project when needed.
# A stamp keyed on pyproject.toml avoids reinstalling on every run.
ensure_venv() {
    local extras="$1"
    local py="${PYTHON:-python3}"
    if [ ! -x .venv/bin/python ]; then
        "$py" -m venv .venv
    fi
    local stamp=".venv/.installed-$extras-$(sha1sum pyproject.toml | cut -c1-12)"
    if [ ! -f "$stamp" ]; then
        .venv/bin/python -m pip install --quiet --upgrade pip
        .venv/bin/python -m pip install --quiet -e ".[$extras]"
        rm -f .venv/.installed-"$extras"-*
        touch "$stamp"
    fi
}
