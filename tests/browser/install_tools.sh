#!/usr/bin/env bash
# Installs the browser suite's npm tools into .tools/node_modules/ (ignored by git through the
# node_modules/ rule): the Nu HTML Checker (vnu-jar, ships vnu.jar) and axe-core.
# Idempotent: does nothing when the pinned versions are already there.
#
# Also needed, from Debian: chromium (the browser Playwright drives) and a Java 17+ runtime
# for vnu.jar (default-jre-headless), and Node.js with npm to run this script.
#   apt-get install -y chromium default-jre-headless nodejs npm
set -euo pipefail

VNU_JAR_VERSION=26.9.27
AXE_CORE_VERSION=4.14.1

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
prefix="$root/.tools"

installed_version() {
    local manifest="$prefix/node_modules/$1/package.json"
    [[ -f "$manifest" ]] || return 0
    node -e 'process.stdout.write(require(process.argv[1]).version)' "$manifest"
}

wanted=()
[[ "$(installed_version vnu-jar)" == "$VNU_JAR_VERSION" ]] || wanted+=("vnu-jar@$VNU_JAR_VERSION")
[[ "$(installed_version axe-core)" == "$AXE_CORE_VERSION" ]] || wanted+=("axe-core@$AXE_CORE_VERSION")

if ((${#wanted[@]})); then
    command -v npm >/dev/null || { echo "install_tools.sh: npm is needed" >&2; exit 1; }
    mkdir -p "$prefix"
    # --ignore-scripts: vnu-jar's postinstall would download a Java runtime from outside the
    # package registries; we use the system's Java instead. No package.json or lock file is
    # written, so .tools/ holds nothing but node_modules/.
    npm install --prefix "$prefix" --no-save --no-package-lock --ignore-scripts \
        --no-audit --no-fund --loglevel=error "${wanted[@]}"
fi

test -f "$prefix/node_modules/vnu-jar/build/dist/vnu.jar"
test -f "$prefix/node_modules/axe-core/axe.min.js"
if command -v java >/dev/null; then
    echo "vnu.jar $(java -jar "$prefix/node_modules/vnu-jar/build/dist/vnu.jar" --version)," \
        "axe-core $(installed_version axe-core) in $prefix/node_modules"
else
    echo "install_tools.sh: warning: no java on PATH; vnu.jar needs Java 17+" >&2
fi
