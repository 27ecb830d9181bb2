#!/bin/sh
# workerd as Miniflare starts it (BENCH_WORKERD, the real binary). The instance whose config
# (read from stdin) holds the service BENCH_INSPECT ("core:user:<worker name>") also listens for
# DevTools on BENCH_INSPECTOR_PORT (loopback). Set as MINIFLARE_WORKERD_PATH by bench/inspect.ts.
if [ "$1" != "serve" ]; then exec "$BENCH_WORKERD" "$@"; fi
config="$(mktemp)"
cat > "$config"
shift
if grep -q "$BENCH_INSPECT" "$config"; then
  set -- "--inspector-addr=127.0.0.1:$BENCH_INSPECTOR_PORT" "$@"
fi
exec < "$config"
rm -f "$config"
exec "$BENCH_WORKERD" serve "$@"
