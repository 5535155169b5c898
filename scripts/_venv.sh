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
        # An interop peer whose metadata pins Twisted~=23.10; it runs on ours, so it goes in
        # without its dependencies rather than downgrading Twisted.
        .venv/bin/python -m pip install --quiet --no-deps "smpp.twisted3>=0.8"
        rm -f .venv/.installed-"$extras"-*
        touch "$stamp"
    fi
}
