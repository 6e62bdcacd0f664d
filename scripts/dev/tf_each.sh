#!/usr/bin/env bash
# Run an offline Terraform check in each directory given.
#   tf_each.sh validate DIR...  -> init -backend=false + validate
#   tf_each.sh test DIR...      -> init -backend=false + terraform test (only where tests/ exists)
# Working data goes to build/tfdata/<dir> (TF_DATA_DIR) so these checks never disturb a real
# `make plan` working directory, and committed root lock files are only read, never rewritten.
set -euo pipefail
action=${1:?usage: tf_each.sh validate|test DIR...}
shift
root=$(pwd)
# Same CLI config as the Makefile, so the script also works when run by hand.
export TF_CLI_CONFIG_FILE="$root/.terraformrc.generated"
"$root/scripts/dev/terraformrc.sh" "$TF_CLI_CONFIG_FILE"
export CHECKPOINT_DISABLE=1
failed=()
for dir in "$@"; do
  dir=${dir%/}
  if [ "$action" = test ] && [ ! -d "$dir/tests" ]; then
    continue
  fi
  export TF_DATA_DIR="$root/build/tfdata/$dir"
  mkdir -p "$TF_DATA_DIR"
  lockflag=()
  # Root environments commit their lock file: refuse to silently change it.
  [ -f "$dir/.terraform.lock.hcl" ] && [[ "$dir" == terraform/envs/* ]] && lockflag=(-lockfile=readonly)
  if ! out=$(terraform -chdir="$dir" init -backend=false -input=false -no-color "${lockflag[@]}" 2>&1); then
    echo "FAIL init $dir"; echo "$out" | sed 's/^/    /'; failed+=("$dir"); continue
  fi
  case "$action" in
    validate)
      if out=$(terraform -chdir="$dir" validate -no-color 2>&1); then echo "ok   validate $dir"
      else echo "FAIL validate $dir"; echo "$out" | sed 's/^/    /'; failed+=("$dir"); fi ;;
    test)
      if out=$(terraform -chdir="$dir" test -no-color 2>&1); then
        echo "ok   test $dir: $(echo "$out" | grep -E '^Success!' | tail -1)"
      else echo "FAIL test $dir"; echo "$out" | sed 's/^/    /'; failed+=("$dir"); fi ;;
    *) echo "error: unknown action '$action' (validate|test)" >&2; exit 2 ;;
  esac
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "terraform $action failed in: ${failed[*]}" >&2
  exit 1
fi
