#!/usr/bin/env bash
# Runs `infractl validate` (after `infractl init`) on every example folder of a set of public
# module checkouts, beside `terraform init` + `terraform validate` where terraform can install
# the providers, and prints a line per example and the totals. Registry modules the examples
# call are served offline by registry.py from local git repositories.
#
#   INFRACTL_TEST_MODULES=/path/to/checkouts   one folder per module (each with examples/*)
#   INFRACTL_MODULE_MIRRORS=/path/to/mirrors  git repositories registry.py serves (see there)
#   BIN=target/debug/infractl                 the binary to measure
#   COMMAND=plan                              measure `infractl plan` instead (needs AWS_ENDPOINT_URL
#                                             pointing at a local emulator; never real AWS): prints
#                                             every error of each refused example, not just the first
#   COMMAND=cycle                             apply each example on the emulator, plan again (which
#                                             must find no change) and destroy it (state must end
#                                             empty); prints the step that failed and its errors
#   EXAMPLES="ecs/* vpc/simple"               only the examples matching these repo/example globs
set -u
command=${COMMAND:-validate}
extra=""
if [ "$command" = plan ] || [ "$command" = cycle ]; then
  case "${AWS_ENDPOINT_URL:-}" in
    http://127.0.0.1:*|http://localhost:*) ;;
    *) echo "COMMAND=$command needs AWS_ENDPOINT_URL on a loopback emulator" >&2; exit 2 ;;
  esac
  extra="-input=false"
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=${AWS_REGION:-us-east-1}
fi
here="$(cd "$(dirname "$0")" && pwd)"
BIN=${BIN:-$here/../../target/debug/infractl}
BIN=$(realpath "$BIN")
modules=${INFRACTL_TEST_MODULES:?set INFRACTL_TEST_MODULES to a folder of module checkouts}
port=${REGISTRY_PORT:-18080}
work=$(mktemp -d)
trap 'kill $registry 2>/dev/null; rm -rf "$work"' EXIT
python3 "$here/registry.py" "$port" "${INFRACTL_MODULE_MIRRORS:-}" &
registry=$!
cat >"$work/tfrc" <<TFRC
host "registry.terraform.io" {
  services = {
    "modules.v1" = "http://127.0.0.1:$port/v1/modules/"
  }
}
provider_installation {
  filesystem_mirror {
    path = "${INFRACTL_TF_MIRROR:-/opt/tf-plugins}"
  }
}
TFRC
export TF_CLI_CONFIG_FILE="$work/tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
sleep 1
# apply, a plan that must find nothing to do, destroy, and a state left empty: the step that
# failed is printed with the output (exit 1) and the rest is skipped, but for a destroy that
# still runs after a failed apply or plan, so the emulator does not keep the example.
cycle() {
  local o
  o=$(timeout 900 "$BIN" apply -auto-approve -no-color -input=false 2>&1) || { echo "Error: apply failed"; echo "$o"; timeout 900 "$BIN" destroy -auto-approve -no-color -input=false >/dev/null 2>&1; return 1; }
  o=$(timeout 600 "$BIN" plan -detailed-exitcode -no-color -input=false 2>&1); local c=$?
  if [ $c != 0 ]; then
    echo "Error: the plan after apply exited $c"; echo "$o" | grep -E '^(Error|  on |  # )'
    timeout 900 "$BIN" destroy -auto-approve -no-color -input=false >/dev/null 2>&1; return 1
  fi
  o=$(timeout 900 "$BIN" destroy -auto-approve -no-color -input=false 2>&1) || { echo "Error: destroy failed"; echo "$o"; return 1; }
  o=$("$BIN" state list 2>&1 | grep -v '^data\.\|\.data\.')
  [ -z "$o" ] || { echo "Error: state still lists"; echo "$o"; return 1; }
}
ok=0; total=0
for ex in "$modules"/*/examples/*/; do
  repo=$(basename "$(dirname "$(dirname "$ex")")"); name=$(basename "$ex")
  ls "$ex"/*.tf >/dev/null 2>&1 || continue
  if [ -n "${EXAMPLES:-}" ]; then
    wanted=no
    for glob in $EXAMPLES; do
      # shellcheck disable=SC2053 # the glob is meant to match
      [[ "$repo/$name" == $glob ]] && wanted=yes
    done
    [ $wanted = yes ] || continue
  fi
  scratch=$(mktemp -d -p "$work"); cp -r "$modules/$repo" "$scratch/"; dir="$scratch/$repo/examples/$name"
  (cd "$dir" && "$BIN" init >init.log 2>&1)
  if [ "$command" = cycle ]; then
    out=$(cd "$dir" && cycle 2>&1); code=$?
  else
    out=$(cd "$dir" && timeout 300 "$BIN" "$command" -no-color $extra 2>&1); code=$?
  fi
  tf=skipped
  if [ "$command" = validate ] && command -v terraform >/dev/null; then
    tf=$(cd "$dir" && rm -rf .terraform && { terraform init -backend=false -input=false -no-color >tfinit.log 2>&1 && terraform validate -no-color >/dev/null 2>&1 && echo valid || { grep -q "Failed to query available provider\|Failed to install provider" tfinit.log && echo no-provider || echo invalid; }; })
  fi
  total=$((total + 1))
  if [ $code = 0 ]; then ok=$((ok + 1)); echo "OK  $repo/$name [terraform: $tf]"
  elif [ "$command" = plan ] || [ "$command" = cycle ]; then echo "ERR $repo/$name"; echo "$out" | grep -E '^(Error|  on |  # )' | sed 's/^/    /'
  else echo "ERR $repo/$name [terraform: $tf] :: $(echo "$out" | grep -m1 '^Error') :: $(echo "$out" | grep -m1 '^  on ' | sed 's/^ *//')"; fi
done
echo "infractl $command accepts $ok of $total examples"
