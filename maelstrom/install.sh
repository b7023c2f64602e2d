#!/usr/bin/env bash
# Download the official Maelstrom release into maelstrom/maelstrom/ (needs
# internet and a Java runtime to run it). Verifies the download against the
# SHA-256 below before unpacking; fails clearly when offline.
set -euo pipefail
cd "$(dirname "$0")"
VERSION="${MAELSTROM_VERSION:-0.2.4}"
URL="https://github.com/jepsen-io/maelstrom/releases/download/v${VERSION}/maelstrom.tar.bz2"
# SHA-256 of the v0.2.4 release tarball; set MAELSTROM_SHA256 when installing another version.
EXPECTED="${MAELSTROM_SHA256:-}"
ARCHIVE="maelstrom-${VERSION}.tar.bz2"

if [ -x maelstrom/maelstrom ]; then
  echo "Maelstrom is already installed: $(pwd)/maelstrom/maelstrom"
  exit 0
fi
echo "Downloading Maelstrom ${VERSION} from ${URL}"
if ! curl -fsSL --connect-timeout 10 -o "${ARCHIVE}.part" "$URL"; then
  rm -f "${ARCHIVE}.part"
  echo "error: could not download ${URL}." >&2
  echo "This machine may be offline. Without the real Maelstrom, the Makefile's default runner" >&2
  echo "(bin/maelstrom-local) runs the same tests: make lin-kv" >&2
  exit 1
fi
actual=$(sha256sum "${ARCHIVE}.part" | cut -d' ' -f1)
if [ -z "$EXPECTED" ]; then
  echo "error: no checksum known for Maelstrom ${VERSION}; the download's SHA-256 is ${actual}." >&2
  echo "Compare it with the one on https://github.com/jepsen-io/maelstrom/releases and rerun with" >&2
  echo "  MAELSTROM_SHA256=${actual} make maelstrom-install" >&2
  rm -f "${ARCHIVE}.part"
  exit 1
fi
if [ "$actual" != "$EXPECTED" ]; then
  echo "error: checksum mismatch for ${ARCHIVE}: expected ${EXPECTED}, got ${actual}" >&2
  rm -f "${ARCHIVE}.part"
  exit 1
fi
mv "${ARCHIVE}.part" "$ARCHIVE"
tar -xjf "$ARCHIVE"
command -v java >/dev/null || echo "warning: java not found; Maelstrom needs a JDK 11+ to run" >&2
echo "Installed: $(pwd)/maelstrom/maelstrom — run e.g.: make lin-kv MAELSTROM=$(pwd)/maelstrom/maelstrom"
