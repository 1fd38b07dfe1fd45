#!/usr/bin/env bash
# Smoke test for the services of scripts/test-services.sh. Takes no arguments; reads the
# CURATOR_TEST_* variables of DIR/services.env from the environment. Checks:
#   Redis PING; MariaDB `SELECT 1` over TCP as the test user; MediaWiki bot-password login
#   (login token, action=login, csrf token) for the rate-limited user and for the admin.
set -euo pipefail
exec </dev/null

fail() { echo "check-services: FAIL: $*" >&2; exit 1; }
ok() { echo "check-services: ok: $*"; }

required=(
  CURATOR_TEST_REDIS_URL
  CURATOR_TEST_MYSQL_URL CURATOR_TEST_MYSQL_SOCKET
  CURATOR_TEST_MEDIAWIKI_API CURATOR_TEST_MEDIAWIKI_INDEX
  CURATOR_TEST_MW_ADMIN_BOT_USER CURATOR_TEST_MW_ADMIN_BOT_PASSWORD
  CURATOR_TEST_MW_USER_BOT_USER CURATOR_TEST_MW_USER_BOT_PASSWORD
  CURATOR_TEST_MW_LIMITED_BOT_USER CURATOR_TEST_MW_LIMITED_BOT_PASSWORD
  CURATOR_TEST_MW_PACED_BOT_USER CURATOR_TEST_MW_PACED_BOT_PASSWORD
  CURATOR_TEST_MW_DIR CURATOR_TEST_MW_BLACKLISTED_TITLE
)
for v in "${required[@]}"; do
  [ -n "${!v:-}" ] || fail "environment variable $v is not set (run scripts/test-services.sh start DIR, then source DIR/services.env)"
done
for tool in redis-cli mariadb curl python3; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/install-deps.sh)"
done

# --- Redis -------------------------------------------------------------------------------------
pong="$(redis-cli -u "$CURATOR_TEST_REDIS_URL" PING 2>&1)" || fail "redis-cli -u $CURATOR_TEST_REDIS_URL PING: $pong"
[ "$pong" = PONG ] || fail "redis PING answered '$pong'"
ok "redis PING at $CURATOR_TEST_REDIS_URL"

# --- MariaDB over TCP ------------------------------------------------------------------------
re='^mysql://([^:@/]+):([^@/]*)@([^:/]+):([0-9]+)/([^/?]+)$'
[[ "$CURATOR_TEST_MYSQL_URL" =~ $re ]] || fail "CURATOR_TEST_MYSQL_URL is not mysql://USER:PASS@HOST:PORT/DB: $CURATOR_TEST_MYSQL_URL"
one="$(MYSQL_PWD="${BASH_REMATCH[2]}" mariadb --no-defaults --protocol=TCP --connect-timeout=10 \
         -h "${BASH_REMATCH[3]}" -P "${BASH_REMATCH[4]}" -u "${BASH_REMATCH[1]}" -N -B \
         -e 'SELECT 1' "${BASH_REMATCH[5]}" 2>&1)" || fail "mariadb SELECT 1 over TCP: $one"
[ "$one" = 1 ] || fail "mariadb SELECT 1 returned '$one'"
ok "mariadb SELECT 1 over TCP at ${BASH_REMATCH[3]}:${BASH_REMATCH[4]}/${BASH_REMATCH[5]}"

# --- MediaWiki --------------------------------------------------------------------------------
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
api="$CURATOR_TEST_MEDIAWIKI_API"
# json_get EXPR: evaluate a Python expression over the JSON document `d` read from stdin
json_get() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

mw_login() {   # mw_login LGNAME LGPASSWORD: bot-password login in a fresh cookie jar, then a csrf token
  local jar="$tmp/jar.$1" c=(curl -fsS --noproxy '*' --max-time 30) out token
  out="$("${c[@]}" -c "$jar" -b "$jar" "$api?action=query&meta=tokens&type=login&format=json")" \
    || fail "GET $api (login token)"
  token="$(json_get 'd["query"]["tokens"]["logintoken"]' <<<"$out")" || fail "no login token in: $out"
  out="$("${c[@]}" -c "$jar" -b "$jar" "$api" -d action=login -d format=json \
           --data-urlencode "lgname=$1" --data-urlencode "lgpassword=$2" --data-urlencode "lgtoken=$token")" \
    || fail "POST $api action=login"
  [ "$(json_get 'd["login"]["result"]' <<<"$out")" = Success ] || fail "login as $1 failed: $out"
  out="$("${c[@]}" -c "$jar" -b "$jar" "$api?action=query&meta=tokens|userinfo&format=json")" \
    || fail "GET $api (csrf token)"
  token="$(json_get 'd["query"]["tokens"]["csrftoken"]' <<<"$out")" || fail "no csrf token in: $out"
  if [ "$token" = "+\\" ] || [ ${#token} -le 2 ]; then fail "csrf token for $1 is the anonymous one: $out"; fi
  [ "$(json_get 'd["query"]["userinfo"]["name"]' <<<"$out")" = "${1%@*}" ] || fail "session is not ${1%@*}: $out"
  ok "mediawiki login as $1 and csrf token at $api"
}
mw_login "$CURATOR_TEST_MW_USER_BOT_USER" "$CURATOR_TEST_MW_USER_BOT_PASSWORD"
mw_login "$CURATOR_TEST_MW_ADMIN_BOT_USER" "$CURATOR_TEST_MW_ADMIN_BOT_PASSWORD"
mw_login "$CURATOR_TEST_MW_LIMITED_BOT_USER" "$CURATOR_TEST_MW_LIMITED_BOT_PASSWORD"
mw_login "$CURATOR_TEST_MW_PACED_BOT_USER" "$CURATOR_TEST_MW_PACED_BOT_PASSWORD"
echo "check-services: all checks passed"
