#!/bin/sh
# Installs the Debian packages Meldpunt builds against and tests with, if any is missing.
# Used by `make demo`, `make test` and CI, so a new machine gets exactly what CI gets.
set -eu
PACKAGES="libgpgme-dev libcurl4-openssl-dev libsqlite3-dev sqlite3 pkg-config gnupg gpg-agent gpg-wks-client dovecot-imapd python3-aiosmtpd python3-jsonschema openssl curl ca-certificates"
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "Installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# policy-rc.d keeps Debian from starting the system-wide Dovecot: tests start their own.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y -qq --no-install-recommends $missing
