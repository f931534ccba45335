#!/usr/bin/env bash
# Shared helpers for the scripts: installing what a fresh machine lacks from Debian's packages.

APT_UPDATED=${APT_UPDATED:-}

# apt_install PACKAGE...: installs Debian packages quietly (one 'apt-get update' per script run).
apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    if [ -z "$APT_UPDATED" ]; then
        apt-get update -qq >/dev/null
        APT_UPDATED=1
    fi
    apt-get install -y -qq "$@" >/dev/null
}

# The build fetches apexcharts with npm.
ensure_node() {
    if ! command -v npm >/dev/null 2>&1; then
        echo "==> Installing Node.js and npm (Debian packages)"
        apt_install nodejs npm
    fi
}

# Browser tests drive Debian's Chromium (browsers cannot be downloaded by Playwright here).
ensure_chromium() {
    if ! command -v chromium >/dev/null 2>&1; then
        echo "==> Installing Debian's chromium for the browser tests"
        apt_install chromium
    fi
}
