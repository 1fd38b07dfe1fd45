#!/usr/bin/env bash
# Throwaway services for libcurator's test suite, on 127.0.0.1 only.
#
#   scripts/test-services.sh start DIR   create DIR; start Redis, MariaDB and MediaWiki 1.39 on free
#                                        loopback ports, wait until each answers, write DIR/services.env
#   scripts/test-services.sh stop DIR    stop everything started in DIR (PID files; TERM, then KILL);
#                                        idempotent; removes DIR/services.env, keeps data and logs
#   scripts/test-services.sh env DIR     print DIR/services.env
#
# Everything (data, logs, sockets, PID files) lives under DIR, so several runs can coexist; the one
# exception is the MariaDB socket when DIR is too long for a unix socket path (then /tmp/curator-sock.*,
# removed by `stop`). Packages: scripts/install-deps.sh. Details: tests/services/README.md.
set -euo pipefail
set +m                                # background jobs must not lead a process group (setsid below)
exec </dev/null                       # never read the caller's stdin (CI, ctest)

PROG=test-services
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MW_CONF_SRC="$ROOT/tests/services/mediawiki"
MW_SRC="${CURATOR_TEST_MW_SOURCE:-/usr/share/mediawiki}"
START_TIMEOUT="${CURATOR_TEST_SERVICES_START_TIMEOUT:-60}"   # seconds, per readiness wait
STOP_TIMEOUT="${CURATOR_TEST_SERVICES_STOP_TIMEOUT:-20}"     # seconds before SIGKILL
MW_WORKERS="${CURATOR_TEST_MW_WORKERS:-4}"                   # php -S worker processes
MW_JOB_RUNNERS="${CURATOR_TEST_MW_JOB_RUNNERS:-1}"           # job runner loops (0: none)
MW_UPLOAD_LIMIT="${CURATOR_TEST_MW_UPLOAD_LIMIT:-10}"        # uploads ...
MW_UPLOAD_WINDOW="${CURATOR_TEST_MW_UPLOAD_WINDOW:-60}"      # ... per this many seconds
MW_EDIT_LIMIT="${CURATOR_TEST_MW_EDIT_LIMIT:-20}"
MW_EDIT_WINDOW="${CURATOR_TEST_MW_EDIT_WINDOW:-60}"
MW_BOT_APPID=curator
MW_ADMIN_USER=Admin
MW_USER=Uploader
# More plain, rate-limited users, so tests that spend an account's upload budget (ctest runs two
# at once) never starve each other: Limited for the rate-limit test, Paced for the pipeline's.
MW_EXTRA_USERS=(Limited Paced)
MW_ADMIN_GRANTS=basic,highvolume,editpage,createeditmovepage,uploadfile,uploadeditmovefile,delete
MW_USER_GRANTS=basic,editpage,createeditmovepage,uploadfile,uploadeditmovefile
MW_BLACKLISTED_TITLE="Curator Blacklisted example.png"   # matches `.*Blacklisted.*` in titleblacklist.txt
MYSQL_DB=curator_test
MYSQL_USER=curator
MYSQL_PASS=curator
PHP_SERVER_INI=(-d upload_max_filesize=200M -d post_max_size=210M -d memory_limit=1024M
                -d max_execution_time=0 -d max_input_time=-1
                -d display_errors=0 -d log_errors=1)

# ---------------------------------------------------------------------------------------------
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
usage() { sed -n '2,9p' "$0" >&2; exit 2; }
now_ms() { local t="${EPOCHREALTIME//[.,]/}"; echo $((t / 1000)); }
secs() { printf '%d.%02ds' $(($1 / 1000)) $((($1 % 1000) / 10)); }
since() { secs $(($(now_ms) - $1)); }
rand_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }   # 2*$1 hex digits
is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }

# log_tail FILE [N]: the end of a log, for failure reports (stderr)
log_tail() {
  local f="$1" n="${2:-40}"
  [ -s "$f" ] || { log "($f is empty or missing)"; return 0; }
  printf '%s: ----- last %s lines of %s -----\n' "$PROG" "$n" "$f" >&2
  tail -n "$n" "$f" >&2 || true
  printf '%s: ----- end of %s -----\n' "$PROG" "$f" >&2
}

# set_dir DIR: absolute DIR, RUN (PID files etc.), refuses / and the empty string
set_dir() {
  [ -n "${1:-}" ] || usage
  DIR="$(realpath -m -- "$1")"
  [ "$DIR" != / ] || die "refusing DIR=/"
  RUN="$DIR/run"
}

# --- processes --------------------------------------------------------------------------------
# proc_start PID: the process's start time (clock ticks since boot), empty if gone. Kept next to each
# PID file so that `stop` never signals an unrelated process that reused the PID.
proc_start() {
  local s
  s="$(cat "/proc/$1/stat" 2>/dev/null)" || return 0
  s="${s##*) }"                 # fields after "(comm) ": state is field 3, starttime field 22
  local f; read -r -a f <<<"$s"
  echo "${f[19]}"
}
# pid_alive PID: running (a zombie counts as gone)
pid_alive() {
  local s
  s="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  s="${s##*) }"
  case "${s%% *}" in Z|X|x) return 1 ;; esac
  return 0
}
# pidfile_live NAME: prints the PID from RUN/NAME.pid if that very process is still running
pidfile_live() {
  local pid start
  pid="$(cat "$RUN/$1.pid" 2>/dev/null)" || return 1
  is_uint "$pid" || return 1
  start="$(cat "$RUN/$1.start" 2>/dev/null)" || return 1
  pid_alive "$pid" && [ "$(proc_start "$pid")" = "$start" ] && echo "$pid"
}

# spawn NAME LOG CMD...: start CMD as the leader of a new session/process group with stdin from
# /dev/null and output appended to LOG, carrying this run's tag in its environment. Sets SPAWNED.
spawn() {
  local name="$1" logf="$2"; shift 2
  env CURATOR_TEST_SERVICES_TAG="$TAG" setsid "$@" </dev/null >>"$logf" 2>&1 &
  SPAWNED=$!
  echo "$SPAWNED" >"$RUN/$name.pid"
  proc_start "$SPAWNED" >"$RUN/$name.start"
}

# tagged CMD...: run a short-lived setup command with the run's tag (so an interrupted start
# stops it too)
tagged() { CURATOR_TEST_SERVICES_TAG="$TAG" "$@"; }

# tagged_pids TAG: live processes whose initial environment carries this run's tag (catches
# children that outlived their group leader). Redis rewrites its environ area for its process
# title, so it is found through its PID file only.
tagged_pids() {
  [ -n "$1" ] || return 0
  local f pid
  for f in $(grep -lzFx -- "CURATOR_TEST_SERVICES_TAG=$1" /proc/[0-9]*/environ 2>/dev/null || true); do
    pid="${f#/proc/}"; pid="${pid%/environ}"
    [ "$pid" != "$$" ] && [ "$pid" != "$BASHPID" ] && pid_alive "$pid" && echo "$pid"
  done
  return 0
}

# group_pids PGID...: live members of these process groups (read from /proc: no procps needed)
group_pids() {
  [ $# -gt 0 ] || return 0
  cat /proc/[0-9]*/stat 2>/dev/null | awk -v groups=" $* " '
    { s = $0; sub(/^.*\) /, "", s); split(s, f, " ")      # f[1] state, f[3] process group
      if (f[1] != "Z" && f[1] != "X" && index(groups, " " f[3] " ")) print $1 }'
}

# wait_ready PID TIMEOUT_S CMD...: poll CMD until it succeeds while PID runs.
# Returns 0 ready, 1 PID exited, 2 timed out.
wait_ready() {
  local pid="$1" deadline=$(($(now_ms) + $2 * 1000)); shift 2
  while :; do
    if "$@" >/dev/null 2>&1; then
      pid_alive "$pid" && return 0
      return 1
    fi
    pid_alive "$pid" || return 1
    [ "$(now_ms)" -lt "$deadline" ] || return 2
    sleep 0.05
  done
}

# --- ports ------------------------------------------------------------------------------------
PICKED_PORTS=" "
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# pick_port VAR: a currently free TCP port on 127.0.0.1 (not handed out before in this run)
pick_port() {
  local p i
  for i in $(seq 1 50); do
    p="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null)" \
      || p=$((20000 + RANDOM % 30000))
    case "$PICKED_PORTS" in *" $p "*) continue ;; esac
    port_open "$p" && continue
    PICKED_PORTS+="$p "
    printf -v "$1" '%s' "$p"
    return 0
  done
  die "no free TCP port found on 127.0.0.1"
}

# --- Redis --------------------------------------------------------------------------------------
redis_is_ours() {   # PORT PID: our redis-server answers on PORT
  local out
  out="$(redis-cli -h 127.0.0.1 -p "$1" INFO server 2>/dev/null | tr -d '\r')" || return 1
  grep -qx "process_id:$2" <<<"$out"
}

start_redis() {   # PORT (first try)
  local d="$DIR/redis" t0 port="$1" attempt rc
  t0=$(now_ms)
  command -v redis-server >/dev/null || die "redis-server not installed (scripts/install-deps.sh)"
  mkdir -p "$d"
  for attempt in 1 2 3; do
    [ $attempt -eq 1 ] || pick_port port
    spawn redis "$d/redis.log" redis-server --bind 127.0.0.1 --port "$port" --dir "$d" \
      --save '' --appendonly no --daemonize no --protected-mode yes --databases 16 --logfile ''
    rc=0; wait_ready "$SPAWNED" "$START_TIMEOUT" redis_is_ours "$port" "$SPAWNED" || rc=$?
    [ $rc -eq 0 ] && break
    if [ $rc -eq 1 ] && grep -q 'Address already in use' "$d/redis.log" && [ $attempt -lt 3 ]; then
      log "redis: port $port was taken meanwhile, retrying"; continue
    fi
    log_tail "$d/redis.log"
    [ $rc -eq 2 ] && die "redis did not answer PING within ${START_TIMEOUT}s"
    die "redis-server exited during startup"
  done
  echo "export CURATOR_TEST_REDIS_URL='redis://127.0.0.1:$port/0'" >"$RUN/redis.env"
  log "redis ready on 127.0.0.1:$port in $(since "$t0")"
}

# --- MariaDB ------------------------------------------------------------------------------------
start_mariadb() {   # PORT (first try)
  local d="$DIR/mysql" t0 port="$1" attempt rc sock me mariadbd sql_user datadir
  t0=$(now_ms)
  mariadbd="$(command -v mariadbd || echo /usr/sbin/mariadbd)"
  [ -x "$mariadbd" ] || die "mariadbd not installed (scripts/install-deps.sh)"
  me="$(id -un)"
  sql_user=root; [ "$me" = root ] || sql_user="$me"
  mkdir -p "$d/tmp"
  sock="$d/mysqld.sock"
  if [ "${#sock}" -gt 100 ]; then          # sun_path holds 107 bytes plus the NUL
    local sd; sd="$(mktemp -d /tmp/curator-sock.XXXXXX)"
    echo "$sd" >"$RUN/sockdir"
    sock="$sd/mysqld.sock"
    log "mariadb: $d is too long for a unix socket path; socket in $sd"
  fi
  # --no-defaults must come first: keeps /etc/mysql/*.cnf (datadir, socket under /run) out.
  tagged mariadb-install-db --no-defaults --user="$me" --datadir="$d/data" \
      --auth-root-authentication-method=socket --auth-root-socket-user="$me" --skip-test-db \
      >"$d/install.log" 2>&1 || { log_tail "$d/install.log"; die "mariadb-install-db failed"; }
  datadir="$(realpath "$d/data")/"
  for attempt in 1 2 3; do
    [ $attempt -eq 1 ] || pick_port port
    spawn mariadb "$d/mariadbd.out" "$mariadbd" --no-defaults --user="$me" --datadir="$d/data" \
      --socket="$sock" --port="$port" --bind-address=127.0.0.1 --pid-file="$d/mariadbd.pid" \
      --log-error="$d/error.log" --tmpdir="$d/tmp" --skip-name-resolve --skip-log-bin \
      --innodb-buffer-pool-size=32M --innodb-log-file-size=16M --innodb-flush-log-at-trx-commit=2 \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --max-connections=300
    rc=0; wait_ready "$SPAWNED" "$START_TIMEOUT" \
      mariadb-admin --no-defaults --socket="$sock" -u"$sql_user" --connect-timeout=2 ping || rc=$?
    [ $rc -eq 0 ] && break
    if [ $rc -eq 1 ] && grep -q 'Address already in use' "$d/error.log" && [ $attempt -lt 3 ]; then
      log "mariadb: port $port was taken meanwhile, retrying"; continue
    fi
    log_tail "$d/error.log"; log_tail "$d/mariadbd.out" 10
    [ $rc -eq 2 ] && die "mariadbd did not answer within ${START_TIMEOUT}s"
    die "mariadbd exited during startup"
  done
  # curator may create and drop any curator_test_% database (tests make throwaway ones).
  mariadb --no-defaults --socket="$sock" -u"$sql_user" >"$d/setup.log" 2>&1 <<SQL \
    || { log_tail "$d/setup.log"; log_tail "$d/error.log"; die "mariadb: creating the test database/user failed"; }
CREATE DATABASE \`$MYSQL_DB\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER '$MYSQL_USER'@'%' IDENTIFIED BY '$MYSQL_PASS';
GRANT ALL PRIVILEGES ON \`$MYSQL_DB\`.* TO '$MYSQL_USER'@'%';
GRANT ALL PRIVILEGES ON \`curator\\_test\\_%\`.* TO '$MYSQL_USER'@'%';
SQL
  # Over TCP, as the test user, and really this server (not another one that owns the port).
  local got
  got="$(mariadb --no-defaults --protocol=TCP -h 127.0.0.1 -P "$port" -u"$MYSQL_USER" -p"$MYSQL_PASS" \
           --connect-timeout=5 -N -B -e 'SELECT @@datadir' "$MYSQL_DB" 2>>"$d/setup.log")" || got=""
  [ "$got" = "$datadir" ] || { log_tail "$d/setup.log"; die "mariadb: TCP login as $MYSQL_USER on port $port failed or reached another server ('$got')"; }
  {
    echo "export CURATOR_TEST_MYSQL_URL='mysql://$MYSQL_USER:$MYSQL_PASS@127.0.0.1:$port/$MYSQL_DB'"
    echo "export CURATOR_TEST_MYSQL_SOCKET='$sock'"
  } >"$RUN/mariadb.env"
  log "mariadb ready on 127.0.0.1:$port in $(since "$t0")"
}

# --- MediaWiki ----------------------------------------------------------------------------------
mw_php() {   # mw_php SCRIPT ARGS...: a maintenance script of this wiki
  tagged php "$MW_INSTALL_PATH/maintenance/$1.php" "${@:2}"
}

mw_write_params() {   # PORT
  local m="$DIR/mediawiki" debug_log=""
  [ "${CURATOR_TEST_MW_DEBUG:-0}" = 1 ] && debug_log="$m/logs/debug.log"
  cat >"$m/conf/params.php" <<PHP
<?php
# Generated by scripts/test-services.sh for this run; see LocalSettings.curator.php.
\$curatorTestParams = [
	'server' => 'http://127.0.0.1:$1',
	'tmp' => '$m/tmp',
	'ratelimit_upload' => [ $MW_UPLOAD_LIMIT, $MW_UPLOAD_WINDOW ],
	'ratelimit_edit' => [ $MW_EDIT_LIMIT, $MW_EDIT_WINDOW ],
	'debug_log' => '$debug_log',
];
PHP
}

mw_create_extra_users() {   # BOTPASSWORD...: one per MW_EXTRA_USERS entry, in order
  local i
  for i in "${!MW_EXTRA_USERS[@]}"; do
    mw_php createAndPromote "${MW_EXTRA_USERS[$i]}" "X-$(rand_hex 12)" || return 1
    mw_php createBotPassword --appid "$MW_BOT_APPID" --grants "$MW_USER_GRANTS" \
      "${MW_EXTRA_USERS[$i]}" "${@:$((i + 1)):1}" || return 1
  done
}

mw_is_ours() {   # PORT LOGDIR: our php -S answers api.php on PORT (last answer kept for failures)
  grep -q "Development Server (http://127.0.0.1:$1) started" "$2/server.log" || return 1
  curl -sS --noproxy '*' --max-time 20 -o "$2/readiness-response.txt" \
    "http://127.0.0.1:$1/api.php?action=query&meta=siteinfo&format=json&formatversion=2" || return 1
  grep -q '"sitename":"Curator Test Wiki"' "$2/readiness-response.txt"
}

start_mediawiki() {   # PORT (first try)
  local m="$DIR/mediawiki" w="$DIR/mediawiki/w" t0 t1 port="$1" attempt rc e name
  local admin_pass user_pass admin_bp user_bp extra extra_bp=()
  t0=$(now_ms)
  [ -f "$MW_SRC/includes/WebStart.php" ] || die "MediaWiki not found in $MW_SRC (scripts/install-deps.sh)"
  command -v php >/dev/null || die "php not installed (scripts/install-deps.sh)"
  [ -f "$MW_CONF_SRC/LocalSettings.curator.php" ] || die "missing $MW_CONF_SRC/LocalSettings.curator.php"
  mkdir -p "$w" "$m/data" "$m/logs" "$m/tmp" "$m/conf"
  # Code tree: symlinks to the Debian package (like /var/lib/mediawiki) plus a private
  # LocalSettings.php, images/ and cache/. MW_INSTALL_PATH makes MediaWiki use this tree
  # (PHP resolves __DIR__ through the symlinks to /usr/share/mediawiki).
  for e in "$MW_SRC"/*; do
    name="${e##*/}"
    case "$name" in LocalSettings.php|images|cache|extensions|extensions-core|config|mw-config) continue ;; esac
    ln -s "$e" "$w/$name"
  done
  ln -s "$MW_SRC/extensions-core" "$w/extensions"
  mkdir -p "$w/images" "$w/cache"
  cp -R "$MW_CONF_SRC/." "$m/conf/"
  export MW_INSTALL_PATH="$w"

  mw_write_params "$port"
  admin_pass="A-$(rand_hex 12)"
  user_pass="U-$(rand_hex 12)"
  admin_bp="$(rand_hex 16)"       # bot passwords: exactly 32 characters
  user_bp="$(rand_hex 16)"
  for extra in "${MW_EXTRA_USERS[@]}"; do extra_bp+=("$(rand_hex 16)"); done
  t1=$(now_ms)
  tagged php "$w/maintenance/install.php" --dbtype sqlite --dbpath "$m/data" --dbname curatorwiki \
      --server "http://127.0.0.1:$port" --scriptpath "" --lang en --confpath "$w" \
      --skins Vector --pass "$admin_pass" "Curator Test Wiki" "$MW_ADMIN_USER" \
      >"$m/logs/install.log" 2>&1 || { log_tail "$m/logs/install.log"; die "mediawiki: install.php failed"; }
  local t_install; t_install="$(since "$t1")"
  cat >>"$w/LocalSettings.php" <<PHP

# libcurator test harness (scripts/test-services.sh)
require '$m/conf/params.php';
require '$m/conf/LocalSettings.curator.php';
PHP
  # Accounts: Admin (sysop, bureaucrat: made by install.php) and plain, rate-limited users;
  # bot passwords as Special:BotPasswords would store them.
  { mw_php createAndPromote "$MW_USER" "$user_pass" &&
    mw_php createBotPassword --appid "$MW_BOT_APPID" --grants "$MW_ADMIN_GRANTS" "$MW_ADMIN_USER" "$admin_bp" &&
    mw_php createBotPassword --appid "$MW_BOT_APPID" --grants "$MW_USER_GRANTS" "$MW_USER" "$user_bp" &&
    mw_create_extra_users "${extra_bp[@]}"
  } >>"$m/logs/install.log" 2>&1 || { log_tail "$m/logs/install.log"; die "mediawiki: creating the accounts failed"; }
  printf 'admin %s %s\nuser %s %s\n' "$MW_ADMIN_USER" "$admin_pass" "$MW_USER" "$user_pass" >"$m/passwords"
  chmod 600 "$m/passwords"

  # Job runners: web requests run no jobs ($wgJobRunRate = 0), so async chunk assembly and
  # publishing (AssembleUploadChunks, PublishStashedFile) happen here. conf/jobrunner.php is
  # `runJobs.php --wait` without its 15 s queue-list cache: a new job starts within 0.2 s.
  local i
  for i in $(seq 1 "$MW_JOB_RUNNERS"); do
    # shellcheck disable=SC2016  # $1 is expanded by the inner bash
    spawn "mediawiki-jobs-$i" "$m/logs/jobrunner-$i.log" bash -c '
      while :; do php "$1" --maxtime=3600 || sleep 1; done' jobrunner "$m/conf/jobrunner.php"
  done

  for attempt in 1 2 3; do
    if [ $attempt -gt 1 ]; then pick_port port; mw_write_params "$port"; fi
    : >"$m/logs/server.log"
    PHP_CLI_SERVER_WORKERS="$MW_WORKERS" spawn mediawiki-server "$m/logs/server.log" \
      php "${PHP_SERVER_INI[@]}" -d error_log="$m/logs/php-errors.log" \
          -d upload_tmp_dir="$m/tmp" -d sys_temp_dir="$m/tmp" -S "127.0.0.1:$port" -t "$w"
    rc=0; wait_ready "$SPAWNED" "$START_TIMEOUT" mw_is_ours "$port" "$m/logs" || rc=$?
    [ $rc -eq 0 ] && break
    if [ $rc -eq 1 ] && grep -q 'Address already in use' "$m/logs/server.log" && [ $attempt -lt 3 ]; then
      log "mediawiki: port $port was taken meanwhile, retrying"; continue
    fi
    log_tail "$m/logs/server.log" 20; log_tail "$m/logs/php-errors.log" 20
    log_tail "$m/logs/readiness-response.txt" 30
    [ $rc -eq 2 ] && die "mediawiki did not answer within ${START_TIMEOUT}s"
    die "php -S exited during startup"
  done
  for i in $(seq 1 "$MW_JOB_RUNNERS"); do
    pidfile_live "mediawiki-jobs-$i" >/dev/null \
      || { log_tail "$m/logs/jobrunner-$i.log"; die "mediawiki: job runner $i died"; }
  done

  local base="http://127.0.0.1:$port"
  {
    echo "export CURATOR_TEST_MEDIAWIKI_API='$base/api.php'"
    echo "export CURATOR_TEST_MEDIAWIKI_INDEX='$base/index.php'"
    echo "export CURATOR_TEST_MW_ADMIN_BOT_USER='$MW_ADMIN_USER@$MW_BOT_APPID'"
    echo "export CURATOR_TEST_MW_ADMIN_BOT_PASSWORD='$admin_bp'"
    echo "export CURATOR_TEST_MW_USER_BOT_USER='$MW_USER@$MW_BOT_APPID'"
    echo "export CURATOR_TEST_MW_USER_BOT_PASSWORD='$user_bp'"
    for i in "${!MW_EXTRA_USERS[@]}"; do
      extra="$(tr '[:lower:]' '[:upper:]' <<<"${MW_EXTRA_USERS[$i]}")"
      echo "export CURATOR_TEST_MW_${extra}_BOT_USER='${MW_EXTRA_USERS[$i]}@$MW_BOT_APPID'"
      echo "export CURATOR_TEST_MW_${extra}_BOT_PASSWORD='${extra_bp[$i]}'"
    done
    echo "export CURATOR_TEST_MW_DIR='$w'"
    echo "export CURATOR_TEST_MW_BLACKLISTED_TITLE='$MW_BLACKLISTED_TITLE'"
    echo "export CURATOR_TEST_MW_UPLOAD_LIMIT='$MW_UPLOAD_LIMIT'"
    echo "export CURATOR_TEST_MW_UPLOAD_WINDOW='$MW_UPLOAD_WINDOW'"
    echo "export CURATOR_TEST_MW_EDIT_LIMIT='$MW_EDIT_LIMIT'"
    echo "export CURATOR_TEST_MW_EDIT_WINDOW='$MW_EDIT_WINDOW'"
  } >"$RUN/mediawiki.env"
  log "mediawiki ready on $base (install.php $t_install) in $(since "$t0")"
}

# --- start / stop -----------------------------------------------------------------------------
any_running() {
  local f
  for f in "$RUN"/*.pid; do
    [ -f "$f" ] || continue
    f="${f##*/}"
    pidfile_live "${f%.pid}" >/dev/null && return 0
  done
  [ -f "$RUN/tag" ] && [ -n "$(tagged_pids "$(cat "$RUN/tag")")" ] && return 0
  return 1
}

START_OK=0
BG_PIDS=()
on_start_exit() {
  local rc=$?
  [ "$START_OK" = 1 ] && return 0
  [ $rc -ne 0 ] || rc=1
  trap - EXIT INT TERM
  local p
  for p in "${BG_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${BG_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  log "start FAILED (exit $rc); stopping whatever was started in $DIR"
  ( cmd_stop "$DIR" ) || true
  exit "$rc"
}

cmd_start() {
  [ $# -eq 1 ] || usage
  set_dir "$1"
  local t0 v; t0=$(now_ms)
  for v in MW_WORKERS MW_JOB_RUNNERS MW_UPLOAD_LIMIT MW_UPLOAD_WINDOW MW_EDIT_LIMIT MW_EDIT_WINDOW; do
    is_uint "${!v}" || die "CURATOR_TEST_$v must be a non-negative integer (got '${!v}')"
  done
  is_uint "$START_TIMEOUT" || die "CURATOR_TEST_SERVICES_START_TIMEOUT must be an integer (got '$START_TIMEOUT')"
  is_uint "$STOP_TIMEOUT" || die "CURATOR_TEST_SERVICES_STOP_TIMEOUT must be an integer (got '$STOP_TIMEOUT')"
  [ "$MW_WORKERS" -ge 1 ] || die "CURATOR_TEST_MW_WORKERS must be at least 1"
  case "$DIR" in *[\'\"\\\$\`]*|*$'\n'*) die "DIR must not contain quotes, backslashes, \$ or newlines: $DIR" ;; esac
  command -v python3 >/dev/null || log "warning: python3 missing; picking ports by probing"
  if [ -e "$DIR" ]; then
    [ -d "$DIR" ] || die "$DIR exists and is not a directory"
    if [ -f "$DIR/.curator-test-services" ]; then
      any_running && die "services are still running in $DIR; run: $0 stop $DIR"
      find "$DIR" -mindepth 1 -maxdepth 1 -exec rm -rf -- {} +    # an old, stopped run
    elif [ -n "$(ls -A "$DIR")" ]; then
      die "$DIR is not empty and was not made by $0"
    fi
  fi
  mkdir -p "$DIR" "$RUN"
  echo "libcurator test services, started $(date -u +%FT%TZ) by $0" >"$DIR/.curator-test-services"
  TAG="$(rand_hex 16)"
  echo "$TAG" >"$RUN/tag"
  trap on_start_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  # First-try ports, all picked here so that the concurrent setups cannot pick the same one.
  local redis_port mysql_port mw_port
  pick_port redis_port; pick_port mysql_port; pick_port mw_port
  start_redis "$redis_port"
  # MariaDB and MediaWiki are independent: set them up concurrently.
  ( start_mariadb "$mysql_port" ) 2>"$RUN/mariadb.start.log" & BG_PIDS+=($!)
  ( start_mediawiki "$mw_port" ) 2>"$RUN/mediawiki.start.log" & BG_PIDS+=($!)
  local rc_db=0 rc_mw=0
  wait "${BG_PIDS[0]}" || rc_db=$?
  wait "${BG_PIDS[1]}" || rc_mw=$?
  BG_PIDS=()
  cat "$RUN/mariadb.start.log" "$RUN/mediawiki.start.log" >&2
  [ $rc_db -eq 0 ] || die "mariadb failed to start (see above; logs in $DIR/mysql)"
  [ $rc_mw -eq 0 ] || die "mediawiki failed to start (see above; logs in $DIR/mediawiki/logs)"

  {
    echo "# libcurator test services in $DIR ($(date -u +%FT%TZ)); stop: $0 stop $DIR"
    cat "$RUN/redis.env" "$RUN/mariadb.env" "$RUN/mediawiki.env"
  } >"$DIR/services.env.tmp"
  mv "$DIR/services.env.tmp" "$DIR/services.env"
  START_OK=1
  trap - EXIT INT TERM
  log "all services ready in $(since "$t0"); environment: $DIR/services.env"
}

cmd_stop() {
  [ $# -eq 1 ] || usage
  set_dir "$1"
  local t0 tag="" f name pid groups=() left seen=" " deadline killed=0
  t0=$(now_ms)
  if [ ! -d "$RUN" ]; then log "stop: nothing was started in $DIR"; return 0; fi
  [ -f "$RUN/tag" ] && tag="$(cat "$RUN/tag")"
  for f in "$RUN"/*.pid; do
    [ -f "$f" ] || continue
    name="${f##*/}"; name="${name%.pid}"
    if pid="$(pidfile_live "$name")"; then groups+=("$pid"); fi
  done
  # Every service was started with setsid, so its process group holds its children (php -S
  # workers, the runner's php); processes that outlived their leader still carry the run's tag.
  remaining() {
    left="$( { group_pids "${groups[@]}"; tagged_pids "$tag"; } | sort -u | tr '\n' ' ')"
    left="${left% }"
    for pid in $left; do case "$seen" in *" $pid "*) ;; *) seen+="$pid " ;; esac; done
    [ -n "$left" ]
  }
  remaining || true
  for pid in "${groups[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $left; do kill -TERM "$pid" 2>/dev/null || true; done
  deadline=$(($(now_ms) + STOP_TIMEOUT * 1000))
  while remaining; do
    if [ "$(now_ms)" -ge "$deadline" ]; then
      if [ $killed -eq 1 ]; then
        command -v ps >/dev/null && ps -o pid,pgid,stat,etime,args -p "${left// /,}" >&2
        die "stop: processes survived SIGKILL: $left"
      fi
      log "stop: still running after ${STOP_TIMEOUT}s, sending KILL: $left"
      for pid in "${groups[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
      for pid in $left; do kill -KILL "$pid" 2>/dev/null || true; done
      killed=1
      deadline=$(($(now_ms) + 5000))
    fi
    sleep 0.05
  done
  # They were orphans (start returned), so PID 1 reaps them; give it a moment so that `ps`
  # right after `stop` shows no <defunct> entries. Zombies hold no ports or files.
  deadline=$(($(now_ms) + 5000))
  while :; do
    left=""
    for pid in $seen; do pid_alive "$pid" || [ ! -e "/proc/$pid" ] || left+="$pid "; done
    [ -n "$left" ] || break
    if [ "$(now_ms)" -ge "$deadline" ]; then
      log "stop: note: exited processes not yet reaped by PID 1 (zombies, harmless): $left"; break
    fi
    sleep 0.05
  done
  rm -f "$RUN"/*.pid "$RUN"/*.start "$DIR/services.env"
  if [ -f "$RUN/sockdir" ]; then
    local sd; sd="$(cat "$RUN/sockdir")"
    case "$sd" in /tmp/curator-sock.*) rm -rf -- "$sd" ;; esac
    rm -f "$RUN/sockdir"
  fi
  if [ ${#groups[@]} -gt 0 ]; then
    log "stopped ${#groups[@]} service process group(s) in $DIR in $(since "$t0")"
  else
    log "stop: nothing running in $DIR"
  fi
}

cmd_env() {
  [ $# -eq 1 ] || usage
  set_dir "$1"
  [ -f "$DIR/services.env" ] || die "no $DIR/services.env (services not started, or stopped)"
  cat "$DIR/services.env"
}

main() {
  local sub="${1:-}"
  [ $# -gt 0 ] && shift
  case "$sub" in
    start) cmd_start "$@" ;;
    stop)  cmd_stop "$@" ;;
    env)   cmd_env "$@" ;;
    *)     usage ;;
  esac
}

main "$@"
