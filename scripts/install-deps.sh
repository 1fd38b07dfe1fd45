#!/usr/bin/env bash
# Installs every Debian 12 package that the build, the tests and the test
# services need. Idempotent: a second run takes a few seconds.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -y -q -o DPkg::Lock::Timeout=900 --no-install-recommends)

build_pkgs=(
  build-essential cmake ninja-build pkg-config ccache clang-format git
  libboost-json1.81-dev libboost-url1.81-dev libsoci-dev libhiredis-dev
  libfmt-dev libcli11-dev doctest-dev libcurl4-openssl-dev libssl-dev
  libsqlite3-dev libmariadb-dev
)
service_pkgs=(
  redis-server redis-tools mariadb-server mariadb-client python3 curl sqlite3
  php8.2-cli php8.2-sqlite3 php8.2-intl php8.2-mbstring php8.2-xml php8.2-curl
  php8.2-gd
)
# Benchmarks only: the Python client the MediaWiki benchmarks compare against
# (bench/mediawiki/upload_compare_bench, bench/cli/ingest_compare_bench).
bench_pkgs=(python3-mwclient)

# mediawiki depends on "apache2 | httpd"; the tests serve it with `php -S`,
# so a one-file package that provides "httpd" keeps apache2 off the machine.
no_httpd_deb=/tmp/curator-no-httpd.deb
need_no_httpd=0
if ! dpkg-query -W -f='${Status}' curator-no-httpd 2>/dev/null | grep -q 'ok installed'; then
  need_no_httpd=1
  tmp=$(mktemp -d)
  mkdir -p "$tmp/DEBIAN"
  cat >"$tmp/DEBIAN/control" <<'CTRL'
Package: curator-no-httpd
Version: 1.0
Architecture: all
Maintainer: libcurator <root@localhost>
Provides: httpd
Priority: optional
Section: misc
Description: Satisfies mediawiki's httpd dependency for libcurator's tests
 The test MediaWiki is served by PHP's built-in web server on loopback.
CTRL
  dpkg-deb --build "$tmp" "$no_httpd_deb" >/dev/null
  rm -rf "$tmp"
fi

missing=()
for p in "${build_pkgs[@]}" "${service_pkgs[@]}" "${bench_pkgs[@]}" mediawiki; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ] || [ $need_no_httpd -eq 1 ]; then
  $SUDO apt-get -q -o DPkg::Lock::Timeout=900 update
  extra=()
  [ $need_no_httpd -eq 1 ] && extra+=("$no_httpd_deb")
  $SUDO "${APT[@]}" install "${extra[@]}" "${build_pkgs[@]}" "${service_pkgs[@]}" "${bench_pkgs[@]}"
  $SUDO "${APT[@]}" install mediawiki
fi
echo "install-deps: all packages present"
