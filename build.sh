#!/usr/bin/env bash
# Plexus developer entry point: one script for humans and CI.
#   ./build.sh deps    install missing Debian packages (idempotent)
#   ./build.sh build   compile C# and eBPF (artifacts/bpf/*.o), leave bin/plexus, bin/plexus-agent, bin/plexus-probe
#   ./build.sh test    deps + build + every test project; ends with "N passed, N failed, N skipped"
#   ./build.sh demo    deps + build + the demo (etcd, two agents, sample manifests)
#   ./build.sh bench   deps + build + the benchmark suite
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
CONFIG=${CONFIG:-Release}
ARTIFACTS="$ROOT/artifacts"

DEBIAN_PACKAGES=(clang llvm libbpf-dev libbpf1 bpftool iproute2 iputils-ping etcd-server etcd-client iperf3 iptables prometheus python3 make)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

deps() {
  local missing=()
  for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    if [ "$(id -u)" -ne 0 ]; then
      echo "missing Debian packages: ${missing[*]} (run as root to install them)" >&2
      exit 1
    fi
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  if ! command -v dotnet >/dev/null; then
    echo "the .NET 10 SDK is required (dotnet on PATH); see https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
    exit 1
  fi
}

build() {
  log "dotnet build ($CONFIG)"
  dotnet build Plexus.slnx -c "$CONFIG" -nologo -clp:NoSummary -v:q
  local cfg
  cfg=$(echo "$CONFIG" | tr '[:upper:]' '[:lower:]')
  mkdir -p bin
  ln -sfn "../artifacts/bin/Plexus.Cli/$cfg/plexus" bin/plexus
  ln -sfn "../artifacts/bin/Plexus.Agent/$cfg/plexus-agent" bin/plexus-agent
  ln -sfn "../artifacts/bin/Plexus.Probe/$cfg/plexus-probe" bin/plexus-probe
}

run_tests() {
  local results="$ARTIFACTS/test-results"
  rm -rf "$results"
  mkdir -p "$results"
  local status=0
  for proj in tests/*/*.Tests.csproj; do
    local name
    name=$(basename "${proj%.csproj}")
    log "test $name"
    dotnet test "$proj" -c "$CONFIG" --no-build -nologo \
      --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
      ${TEST_FILTER:+--filter "$TEST_FILTER"} || status=1
  done
  python3 scripts/test-totals.py "$results" tests || status=1
  return $status
}

cmd=${1:-build}
case "$cmd" in
  deps) deps ;;
  build) deps; build ;;
  test) deps; build; run_tests ;;
  demo) deps; build; exec bin/plexus demo --keep ;;
  bench) deps; build; shift; exec bin/plexus bench "$@" ;;
  *) echo "usage: $0 deps|build|test|demo|bench" >&2; exit 2 ;;
esac
