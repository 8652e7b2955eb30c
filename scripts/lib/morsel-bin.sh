# Sourced by the scripts that run morsel: `morsel_bin PROFILE` builds the morsel binary in that profile (`debug`,
# else release) and prints its path.
morsel_bin() {
  if [ "${1:-release}" = debug ]; then
    cargo build --quiet --bin morsel
    echo "${CARGO_TARGET_DIR:-target}/debug/morsel"
  else
    cargo build --release --quiet --bin morsel
    echo "${CARGO_TARGET_DIR:-target}/release/morsel"
  fi
}
